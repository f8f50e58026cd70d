import { formatTable } from '../report/format-table.js';
import type { ContenderResult, UnavailableContender } from './measure-contenders.js';

/** One table layout for both proxy suites: rates, latencies, ratios to the peer, CPU cost. */
export function formatContenderTable(
  title: string,
  results: readonly ContenderResult[],
  peer: string,
  unavailable: readonly UnavailableContender[] = [],
): string {
  const base = results.find((r) => r.name === peer);
  const table = formatTable(
    title,
    [
      'proxy',
      'tunnel MiB/s',
      'conn/s',
      'p50 ms',
      'p99 ms',
      'errors',
      `MiB/s ÷ ${peer}`,
      `conn/s ÷ ${peer}`,
      'CPU s/GiB',
      'CPU µs/conn',
      `CPU/GiB ÷ ${peer}`,
      `CPU/conn ÷ ${peer}`,
    ],
    results.map((r) => [
      r.name,
      r.mibPerSecond,
      r.connectionsPerSecond,
      r.p50Ms,
      r.p99Ms,
      r.errors,
      ratioOf(r.mibPerSecond, base?.mibPerSecond),
      ratioOf(r.connectionsPerSecond, base?.connectionsPerSecond),
      r.cpuSecondsPerGiB,
      r.cpuMicrosecondsPerConnection,
      ratioOf(r.cpuSecondsPerGiB, base?.cpuSecondsPerGiB),
      ratioOf(r.cpuMicrosecondsPerConnection, base?.cpuMicrosecondsPerConnection),
    ]),
    2,
  );
  const missing = unavailable.map((u) => `${u.name}: unavailable (${u.unavailable})`);
  return [table, ...missing].join('\n');
}

function ratioOf(value: number | null, base: number | null | undefined): number | null {
  return value === null || base === undefined || base === null || base === 0 ? null : value / base;
}

import { formatTable } from '../report/format-table.js';
import type { ContenderResult } from './measure-contenders.js';

/** One table layout for both proxy suites: rates, latencies, ratios to the peer, CPU cost. */
export function formatContenderTable(
  title: string,
  results: readonly ContenderResult[],
  peer: string,
): string {
  const base = results.find((r) => r.name === peer);
  return formatTable(
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
    ]),
    2,
  );
}

function ratioOf(value: number, base: number | undefined): number | null {
  return base === undefined || base === 0 ? null : value / base;
}

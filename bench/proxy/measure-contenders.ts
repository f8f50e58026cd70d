import { median, percentile } from '../report/summarize.js';
import type { BenchSettings } from './bench-settings.js';
import type { LoadClient } from './load-client-process.js';
import type { Route } from './open-tunnel.js';

export interface Contender {
  readonly name: string;
  readonly route: Route;
}

export interface ContenderResult {
  readonly name: string;
  /** Median over rounds. */
  readonly mibPerSecond: number;
  readonly connectionsPerSecond: number;
  /** Over the latencies of all rounds pooled. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly rounds: { readonly mibPerSecond: number[]; readonly connectionsPerSecond: number[] };
}

/**
 * Warms every contender, then measures them interleaved round by round, so a slow phase of the machine
 * hits all of them rather than whichever ran at that moment.
 */
export async function measureContenders(
  client: LoadClient,
  contenders: readonly Contender[],
  settings: BenchSettings,
  progress: (line: string) => void,
): Promise<ContenderResult[]> {
  const throughput = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const latencies = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const errors = new Map<string, { count: number; first: string | null }>(
    contenders.map((c) => [c.name, { count: 0, first: null }]),
  );
  for (const c of contenders) {
    await client.throughput(c.route, settings.warmupBytes);
    await client.rate(c.route, settings.concurrency, settings.warmupRateMs);
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const c of contenders) {
      const t = await client.throughput(c.route, settings.tunnelBytes);
      throughput.get(c.name)?.push(t.mibPerSecond);
      progress(`round ${round} ${c.name}: tunnel ${t.mibPerSecond.toFixed(0)} MiB/s`);
    }
    for (const c of contenders) {
      const r = await client.rate(c.route, settings.concurrency, settings.rateMs);
      rates.get(c.name)?.push(r.perSecond);
      const pooled = latencies.get(c.name);
      if (pooled !== undefined) for (const ms of r.latenciesMs) pooled.push(ms);
      const e = errors.get(c.name);
      if (e !== undefined) {
        e.count += r.errors;
        e.first ??= r.firstError;
      }
      progress(`round ${round} ${c.name}: ${r.perSecond.toFixed(0)} connections/s, ${r.errors} errors`);
    }
  }
  return contenders.map((c) => {
    const lat = latencies.get(c.name) ?? [];
    const e = errors.get(c.name) ?? { count: 0, first: null };
    const mib = throughput.get(c.name) ?? [];
    const cps = rates.get(c.name) ?? [];
    return {
      name: c.name,
      mibPerSecond: median(mib),
      connectionsPerSecond: median(cps),
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      completed: lat.length,
      errors: e.count,
      firstError: e.first,
      rounds: { mibPerSecond: mib, connectionsPerSecond: cps },
    };
  });
}

import { median, percentile } from '../report/summarize.js';
import type { BenchSettings } from './bench-settings.js';
import type { LoadClient } from './load-client-process.js';
import type { Route } from './open-tunnel.js';
import { readProcessTreeCpuSeconds } from './read-cpu-seconds.js';

export interface Contender {
  readonly name: string;
  readonly route: Route;
  /** The proxy's process (its children count too), for CPU accounting; absent for direct. */
  readonly pid?: number;
  /** Count the CPU of the process's children too (egressgate with workers: N). */
  readonly processTree?: boolean;
}

/** A contender this run could not measure, and why (shown in the table instead of figures). */
export interface UnavailableContender {
  readonly name: string;
  readonly unavailable: string;
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
  /** The proxy process's CPU time per GiB tunnelled and per connection; null for direct. */
  readonly cpuSecondsPerGiB: number | null;
  readonly cpuMicrosecondsPerConnection: number | null;
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
  contenders = selectContenders(contenders, process.env.BENCH_CONTENDERS);
  const throughput = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const latencies = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const errors = new Map<string, { count: number; first: string | null }>(
    contenders.map((c) => [c.name, { count: 0, first: null }]),
  );
  const cpu = new Map<string, { tunnel: number; bytes: number; rate: number; connections: number }>(
    contenders.map((c) => [c.name, { tunnel: 0, bytes: 0, rate: 0, connections: 0 }]),
  );
  const cpuOf = (c: Contender): number => (c.pid === undefined ? 0 : (readProcessTreeCpuSeconds(c.pid) ?? 0));
  for (const c of contenders) {
    await client.throughput(c.route, settings.warmupBytes, settings.streams);
    await client.rate(c.route, settings.concurrency, settings.warmupRateMs);
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const c of contenders) {
      const before = cpuOf(c);
      const t = await client.throughput(c.route, settings.tunnelBytes, settings.streams);
      const used = cpu.get(c.name);
      if (used !== undefined) {
        used.tunnel += cpuOf(c) - before;
        used.bytes += t.bytes;
      }
      throughput.get(c.name)?.push(t.mibPerSecond);
      progress(`round ${round} ${c.name}: tunnel ${t.mibPerSecond.toFixed(0)} MiB/s (${t.writer} writers)`);
    }
    for (const c of contenders) {
      const before = cpuOf(c);
      const r = await client.rate(c.route, settings.concurrency, settings.rateMs);
      const used = cpu.get(c.name);
      if (used !== undefined) {
        used.rate += cpuOf(c) - before;
        used.connections += r.completed;
      }
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
    const used = cpu.get(c.name);
    const measured = c.pid !== undefined && used !== undefined;
    return {
      name: c.name,
      mibPerSecond: median(mib),
      connectionsPerSecond: median(cps),
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      completed: lat.length,
      cpuSecondsPerGiB: measured && used.bytes > 0 ? used.tunnel / (used.bytes / 2 ** 30) : null,
      cpuMicrosecondsPerConnection:
        measured && used.connections > 0 ? (1e6 * used.rate) / used.connections : null,
      errors: e.count,
      firstError: e.first,
      rounds: { mibPerSecond: mib, connectionsPerSecond: cps },
    };
  });
}

/** BENCH_CONTENDERS=egressgate,squid narrows a run, e.g. to profile one proxy without the others. */
function selectContenders(all: readonly Contender[], list: string | undefined): readonly Contender[] {
  if (list === undefined || list === '') return all;
  const wanted = new Set(list.split(','));
  return all.filter((c) => wanted.has(c.name));
}

/**
 * A throughput table is only worth reading when the load generator had headroom: a direct connection
 * must move at least twice what the best proxy moved, or the proxies were measured against the
 * client and the sink rather than against each other.
 */
export function checkLoadHeadroom(results: readonly ContenderResult[]): {
  readonly goal: string;
  readonly met: boolean | null;
  readonly detail: string;
} {
  const goal = 'load generator not the bottleneck: direct MiB/s ≥ 2× the best proxy';
  const direct = results.find((r) => r.name === 'direct');
  const proxies = results.filter((r) => r.name !== 'direct');
  if (direct === undefined || proxies.length === 0) return { goal, met: null, detail: 'not measured' };
  const best = proxies.reduce((a, b) => (b.mibPerSecond > a.mibPerSecond ? b : a));
  const ratio = direct.mibPerSecond / best.mibPerSecond;
  const figures = `direct ${direct.mibPerSecond.toFixed(0)} MiB/s = ${ratio.toFixed(2)}× ${best.name} ${best.mibPerSecond.toFixed(0)}`;
  return ratio >= 2
    ? { goal, met: true, detail: figures }
    : {
        goal,
        met: false,
        detail: `${figures}: THIS RUN'S MiB/s COLUMN IS INVALID (the client and sink limited it); compare CPU s/GiB only`,
      };
}

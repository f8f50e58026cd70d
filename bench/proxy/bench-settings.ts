/** Sizes of a proxy run; the environment can shrink them for a quick look (BENCH_QUICK=1). */
export interface BenchSettings {
  readonly rounds: number;
  readonly tunnelBytes: number;
  /** Tunnels the throughput test runs at once, each written by its own dd process. */
  readonly streams: number;
  readonly concurrency: number;
  readonly rateMs: number;
  readonly warmupBytes: number;
  readonly warmupRateMs: number;
}

export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = env.BENCH_QUICK === '1';
  return {
    rounds: readNumber(env.BENCH_ROUNDS, quick ? 1 : 3),
    tunnelBytes: readNumber(env.BENCH_TUNNEL_MIB, quick ? 256 : 1024) * 1024 * 1024,
    streams: readNumber(env.BENCH_STREAMS, 2),
    concurrency: readNumber(env.BENCH_CONCURRENCY, 50),
    rateMs: readNumber(env.BENCH_RATE_SECONDS, quick ? 1 : 5) * 1000,
    warmupBytes: 64 * 1024 * 1024,
    warmupRateMs: quick ? 300 : 1000,
  };
}

function readNumber(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`bench setting must be a positive number: ${raw}`);
  return value;
}

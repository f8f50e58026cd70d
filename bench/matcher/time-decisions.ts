import type { Target } from '../../src/policy/decide.js';
import type { Decision } from '../../src/policy/decision.js';
import { median } from '../report/summarize.js';

export interface Timing {
  /** Decisions per second of this process's CPU time: what one dedicated core would do. Median round. */
  readonly decisionsPerCpuSecond: number;
  readonly nsPerDecision: number;
  /** Decisions per wall-clock second, median round; lower than the CPU figure on a busy machine. */
  readonly decisionsPerSecond: number;
  readonly rounds: readonly { readonly perCpuSecond: number; readonly perSecond: number }[];
}

/**
 * Cycles through the targets: a warm-up, then `rounds` timed rounds of at least `roundMs` each. Both
 * clocks are read: wall time (hrtime) and the process's CPU time (cpuUsage), because on a shared
 * machine the wall clock mostly measures other people's load. Batches grow until one takes ~10 ms, so
 * a fast matcher is not dominated by clock reads and a slow one (the reference at 10,000 rules) stops.
 */
export function timeDecisions(
  decideOne: (target: Target) => Decision,
  targets: readonly Target[],
  opts: { readonly rounds: number; readonly roundMs: number; readonly warmupMs: number },
): Timing {
  let cursor = 0;
  let allowed = 0;
  const runFor = (ms: number): { perCpuSecond: number; perSecond: number } => {
    const budget = BigInt(Math.round(ms * 1e6));
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    let batch = 1;
    let done = 0;
    for (;;) {
      const batchStart = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) {
        const target = targets[cursor] as Target;
        cursor = cursor + 1 === targets.length ? 0 : cursor + 1;
        if (decideOne(target).verdict === 'allow') allowed++;
      }
      done += batch;
      const now = process.hrtime.bigint();
      if (now - start >= budget) {
        const cpu = process.cpuUsage(cpuStart);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        return {
          perCpuSecond: done / Math.max(cpuSeconds, 1e-6),
          perSecond: done / (Number(now - start) / 1e9),
        };
      }
      if (now - batchStart < 10_000_000n) batch *= 2;
    }
  };
  runFor(opts.warmupMs);
  const rounds: { perCpuSecond: number; perSecond: number }[] = [];
  for (let r = 0; r < opts.rounds; r++) rounds.push(runFor(opts.roundMs));
  // Using the count keeps the optimizer from dropping the calls as dead code.
  if (allowed < 0) throw new Error('unreachable');
  const perCpuSecond = median(rounds.map((r) => r.perCpuSecond));
  return {
    decisionsPerCpuSecond: perCpuSecond,
    nsPerDecision: 1e9 / perCpuSecond,
    decisionsPerSecond: median(rounds.map((r) => r.perSecond)),
    rounds,
  };
}

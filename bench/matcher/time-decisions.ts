import type { Target } from '../../src/policy/decide.js';
import type { Decision } from '../../src/policy/decision.js';
import { median } from '../report/summarize.js';

export interface Timing {
  readonly decisionsPerSecond: number;
  readonly nsPerDecision: number;
  readonly rounds: readonly number[];
}

/**
 * Decisions per second over the target list, cycling through it: a warm-up, then `rounds` timed rounds
 * of at least `roundMs` each; the median round counts. Batches grow until one takes ~10 ms, so a fast
 * matcher is not dominated by clock reads and a slow one (the reference at 10,000 rules) still stops.
 */
export function timeDecisions(
  decideOne: (target: Target) => Decision,
  targets: readonly Target[],
  opts: { readonly rounds: number; readonly roundMs: number; readonly warmupMs: number },
): Timing {
  let cursor = 0;
  let allowed = 0;
  const runFor = (ms: number): number => {
    const budget = BigInt(Math.round(ms * 1e6));
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
      if (now - start >= budget) return done / (Number(now - start) / 1e9);
      if (now - batchStart < 10_000_000n) batch *= 2;
    }
  };
  runFor(opts.warmupMs);
  const rounds: number[] = [];
  for (let r = 0; r < opts.rounds; r++) rounds.push(runFor(opts.roundMs));
  // Using the count keeps the optimizer from dropping the calls as dead code.
  if (allowed < 0) throw new Error('unreachable');
  const perSecond = median(rounds);
  return { decisionsPerSecond: perSecond, nsPerDecision: 1e9 / perSecond, rounds };
}

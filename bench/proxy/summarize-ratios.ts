import type { ContenderResult } from './measure-contenders.js';

export interface GoalCheck {
  readonly goal: string;
  readonly met: boolean | null;
  readonly detail: string;
}

/** Each figure's goal as "subject is at least this many times better than the peer"; absent = report only. */
export interface RatioGoals {
  readonly throughput?: number;
  readonly connectionRate?: number;
  readonly cpuPerGiB?: number;
  readonly cpuPerConnection?: number;
}

/**
 * The goals as ratios of two contenders from the same run: wall clock, and CPU spent per unit
 * of work, which a busy shared machine disturbs far less. For CPU, "better" means less: a goal of
 * 1.25 is "at most 0.8× the peer's CPU". null: one side absent, or no goal for that figure.
 */
export function summarizeRatios(
  results: readonly ContenderResult[],
  subject: string,
  peer: string,
  goals: RatioGoals,
): GoalCheck[] {
  const a = results.find((r) => r.name === subject);
  const b = results.find((r) => r.name === peer);
  const check = (
    label: string,
    pick: (r: ContenderResult) => number | null,
    higherIsBetter: boolean,
    goal: number | undefined,
  ): GoalCheck => {
    const bound = goal === undefined ? '' : higherIsBetter ? ` ≥ ${goal}×` : ` ≤ ${(1 / goal).toFixed(2)}×`;
    const text = `${subject} ${label}${bound === '' ? ' vs' : bound} ${peer}`;
    const x = a === undefined ? null : pick(a);
    const y = b === undefined ? null : pick(b);
    if (x === null || y === null || x === 0 || y === 0)
      return { goal: text, met: null, detail: 'not measured' };
    const better = higherIsBetter ? x / y : y / x;
    const shown = higherIsBetter ? better : x / y;
    return {
      goal: text,
      met: goal === undefined ? null : better >= goal,
      detail: `${shown.toFixed(2)}× (${format(x)} vs ${format(y)})`,
    };
  };
  return [
    check('tunnel MiB/s', (r) => r.mibPerSecond, true, goals.throughput),
    check('conn/s', (r) => r.connectionsPerSecond, true, goals.connectionRate),
    check('CPU per GiB', (r) => r.cpuSecondsPerGiB, false, goals.cpuPerGiB),
    check('CPU per connection', (r) => r.cpuMicrosecondsPerConnection, false, goals.cpuPerConnection),
  ];
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

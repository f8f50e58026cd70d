import type { ContenderResult } from './measure-contenders.js';

export interface GoalCheck {
  readonly goal: string;
  readonly met: boolean | null;
  readonly detail: string;
}

/**
 * The goals as ratios of two contenders from the same run (wall clock), plus the same ratio on
 * CPU spent per unit of work, which a busy shared machine disturbs far less. null: one side absent.
 */
export function summarizeRatios(
  results: readonly ContenderResult[],
  subject: string,
  peer: string,
  goal: number,
): GoalCheck[] {
  const a = results.find((r) => r.name === subject);
  const b = results.find((r) => r.name === peer);
  const check = (
    label: string,
    pick: (r: ContenderResult) => number | null,
    higherIsBetter: boolean,
  ): GoalCheck => {
    const text = `${subject} ${label} ≥ ${goal}× ${peer}`;
    const x = a === undefined ? null : pick(a);
    const y = b === undefined ? null : pick(b);
    if (x === null || y === null || x === 0 || y === 0)
      return { goal: text, met: null, detail: 'not measured' };
    const ratio = higherIsBetter ? x / y : y / x;
    return { goal: text, met: ratio >= goal, detail: `${ratio.toFixed(2)}× (${format(x)} vs ${format(y)})` };
  };
  return [
    check('tunnel throughput', (r) => r.mibPerSecond, true),
    check('connection rate', (r) => r.connectionsPerSecond, true),
    check('CPU efficiency per GiB', (r) => r.cpuSecondsPerGiB, false),
    check('CPU efficiency per connection', (r) => r.cpuMicrosecondsPerConnection, false),
  ];
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

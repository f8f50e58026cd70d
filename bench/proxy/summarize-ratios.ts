import type { ContenderResult } from './measure-contenders.js';

/** The goals as ratios of two contenders from the same run; null when one of them was absent. */
export function summarizeRatios(
  results: readonly ContenderResult[],
  subject: string,
  peer: string,
  goal: number,
): { goal: string; met: boolean | null; detail: string }[] {
  const a = results.find((r) => r.name === subject);
  const b = results.find((r) => r.name === peer);
  const check = (
    label: string,
    pick: (r: ContenderResult) => number,
  ): { goal: string; met: boolean | null; detail: string } => {
    const text = `${subject} ${label} ≥ ${goal}× ${peer}`;
    if (a === undefined || b === undefined)
      return { goal: text, met: null, detail: `${subject} or ${peer} not measured` };
    const ratio = pick(a) / pick(b);
    return {
      goal: text,
      met: ratio >= goal,
      detail: `${ratio.toFixed(2)}× (${pick(a).toFixed(0)} vs ${pick(b).toFixed(0)})`,
    };
  };
  return [
    check('tunnel throughput', (r) => r.mibPerSecond),
    check('connection rate', (r) => r.connectionsPerSecond),
  ];
}

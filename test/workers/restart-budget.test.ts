import { describe, expect, it } from 'vitest';
import { createRestartBudget } from '../../src/workers/restart-budget.js';

describe('createRestartBudget', () => {
  const options = { maxRestarts: 3, windowMs: 1_000, baseDelayMs: 100, maxDelayMs: 250 };

  it('restarts with a doubling delay up to the cap, and gives up past maxRestarts within the window', () => {
    const budget = createRestartBudget(options);
    expect([budget.spend(0), budget.spend(10), budget.spend(20)]).toEqual([100, 200, 250]);
    expect(budget.spend(30)).toBeNull();
  });

  it('forgets exits older than the window: a worker that dies once a day is always restarted', () => {
    const budget = createRestartBudget(options);
    for (let day = 0; day < 10; day++) expect(budget.spend(day * 86_400_000)).toBe(100);
  });
});

/**
 * How often a worker may die before the gateway gives up: a worker that crashes now and then is
 * restarted (the others keep serving on the shared port meanwhile), one that keeps crashing would
 * only hide a bug behind a restart loop, so past the budget the gateway stops and exits 1.
 */
export interface RestartBudget {
  /** Records an unplanned exit at `now`; the delay before the restart, or null when the budget is spent. */
  spend(now: number): number | null;
}

export interface RestartBudgetOptions {
  /** Unplanned exits allowed within windowMs; one more stops the gateway. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** First restart delay; doubles with each exit still inside the window, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudgetOptions = {
  maxRestarts: 5,
  windowMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
};

export function createRestartBudget(options: RestartBudgetOptions = DEFAULT_RESTART_BUDGET): RestartBudget {
  let exits: number[] = [];
  return {
    spend(now) {
      exits = [...exits.filter((t) => now - t < options.windowMs), now];
      if (exits.length > options.maxRestarts) return null;
      return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (exits.length - 1));
    },
  };
}

import type { Logger } from 'pino';

export interface ShutdownDeps {
  /** Readiness goes false first, so a load balancer stops sending before the listeners close. */
  readonly markDraining: () => void;
  /** Closes the listening sockets; established connections stay open. */
  readonly stopAccepting: () => Promise<void>;
  /** Resolves when no connection is left, or after timeoutMs with the rest closed as `drained`. */
  readonly drain: (timeoutMs: number) => Promise<void>;
  readonly activeConnections: () => number;
  /** Admin server, watchers: whatever keeps the event loop alive. */
  readonly closeRest: () => Promise<void>;
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
}

export interface Shutdown {
  /**
   * Starts the graceful shutdown (idempotent; the same promise each time). A second signal while
   * draining cuts the drain short, as operators expect from a second Ctrl-C.
   */
  readonly shutdown: (signal: string) => Promise<void>;
}

export function createShutdown(deps: ShutdownDeps): Shutdown {
  let done: Promise<void> | null = null;
  let cutShort: (() => void) | null = null;

  const run = async (signal: string): Promise<void> => {
    const open = deps.activeConnections();
    deps.logger.info(
      { event: 'shutdown', signal, openConnections: open, drainTimeoutMs: deps.drainTimeoutMs },
      'draining',
    );
    deps.markDraining();
    await deps.stopAccepting();
    const forced = new Promise<void>((resolve) => (cutShort = resolve));
    const started = Date.now();
    await Promise.race([deps.drain(deps.drainTimeoutMs), forced.then(() => deps.drain(0))]);
    const left = deps.activeConnections();
    await deps.closeRest();
    deps.logger.info(
      { event: 'shutdown', signal, drainedMs: Date.now() - started, closedOpen: left },
      'stopped',
    );
  };

  return {
    shutdown(signal) {
      if (done !== null) {
        deps.logger.warn({ event: 'shutdown', signal }, 'second signal: closing open connections now');
        cutShort?.();
        return done;
      }
      done = run(signal);
      return done;
    },
  };
}

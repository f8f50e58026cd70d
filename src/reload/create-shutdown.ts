import type { Logger } from 'pino';

export interface ShutdownDeps {
  /**
   * Readiness false, stop accepting, wait up to timeoutMs for open connections, close the rest as
   * `drained` (App.drain).
   */
  readonly drain: (timeoutMs: number, signal: string) => Promise<void>;
  /** Closes whatever is left at once: connections, listeners, the admin server (App.stop). */
  readonly stop: () => Promise<void>;
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
}

export interface Shutdown {
  /**
   * Starts the graceful shutdown (idempotent: the same promise each time). A second signal while
   * draining cuts the drain short, as operators expect from a second Ctrl-C.
   */
  readonly shutdown: (signal: string) => Promise<void>;
}

export function createShutdown(deps: ShutdownDeps): Shutdown {
  let done: Promise<void> | null = null;
  let cutShort: () => void = () => undefined;
  const forced = new Promise<void>((resolve) => (cutShort = resolve));

  const run = async (signal: string): Promise<void> => {
    const started = Date.now();
    deps.logger.info({ event: 'shutdown', signal, drainTimeoutMs: deps.drainTimeoutMs }, 'draining');
    await Promise.race([deps.drain(deps.drainTimeoutMs, signal), forced]);
    await deps.stop();
    deps.logger.info({ event: 'shutdown', signal, drainedMs: Date.now() - started }, 'stopped');
  };

  return {
    shutdown(signal) {
      if (done !== null) {
        deps.logger.warn({ event: 'shutdown', signal }, 'second signal: closing open connections now');
        cutShort();
        return done;
      }
      done = run(signal);
      return done;
    },
  };
}

import type { Logger } from 'pino';
import type { Metrics } from '../observe/create-metrics.js';
import { createPolicyReloader } from './create-policy-reloader.js';
import { createShutdown } from './create-shutdown.js';
import { installSignalHandlers, type SignalTarget } from './install-signal-handlers.js';
import { watchPolicyFiles } from './watch-policy-files.js';

/** The part of App that operations drive. */
export interface SupervisedApp {
  /** Loads and swaps in the policy; throws (keeping the old one) if it is invalid. */
  reloadPolicy(): Promise<void>;
  /** `signal` names what started the shutdown (SIGTERM, SIGINT), for workers' log lines. */
  drain(timeoutMs: number, signal: string): Promise<void>;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  readonly app: SupervisedApp;
  readonly logger: Logger;
  readonly drainTimeoutMs: number;
  /** Directories of the config file and the profiles; empty = reload on SIGHUP only. */
  readonly watchDirs: readonly string[];
  readonly debounceMs?: number;
  /** Where egressgate_policy_reloads_total is counted (the app's metrics). */
  readonly metrics?: Pick<Metrics, 'policyReloads'>;
  readonly signals?: SignalTarget;
  /** SIGUSR1 reopens the log file (log.destination: file); absent = SIGUSR1 is not handled. */
  readonly reopenLogs?: () => void;
  /** A failed reload is written here too, for an operator whose log lines go to a file or syslog. */
  readonly stderr?: { write(text: string): unknown };
}

export interface Supervisor {
  /** Resolves once a SIGTERM/SIGINT shutdown has drained and stopped the app. */
  readonly stopped: Promise<void>;
  readonly reload: (trigger: string) => Promise<boolean>;
  readonly shutdown: (signal: string) => Promise<void>;
}

/**
 * Runs a started app: SIGHUP and file changes reload the policy (established tunnels keep going; new
 * connections get the new policy), SIGTERM/SIGINT drain and stop it.
 */
export function superviseApp(options: SuperviseOptions): Supervisor {
  const { app, logger } = options;
  const reloader = createPolicyReloader({
    load: () => app.reloadPolicy(),
    apply: () => undefined,
    logger,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
  });
  const watcher = watchPolicyFiles({
    dirs: options.watchDirs,
    debounceMs: options.debounceMs ?? 500,
    onChange: () => void reloader.reload('file change'),
    logger,
  });
  let uninstall: () => void = () => undefined;
  const { shutdown } = createShutdown({
    drain: (ms, signal) => app.drain(ms, signal),
    stop: async () => {
      watcher.close();
      await app.stop();
      uninstall();
    },
    drainTimeoutMs: options.drainTimeoutMs,
    logger,
  });
  let stopped: Promise<void> | null = null;
  let resolveStopped: () => void = () => undefined;
  const stoppedSignal = new Promise<void>((resolve) => (resolveStopped = resolve));
  const begin = (signal: string): Promise<void> => {
    if (stopped !== null) {
      void shutdown(signal); // the second signal: cut the drain short
      return stoppedSignal;
    }
    stopped = shutdown(signal).then(resolveStopped, (err: unknown) => {
      logger.error({ event: 'shutdown', error: (err as Error).message }, 'shutdown failed');
      resolveStopped();
    });
    return stoppedSignal;
  };
  uninstall = installSignalHandlers(options.signals ?? process, {
    reload: () => void reloader.reload('SIGHUP'),
    shutdown: (signal) => void begin(signal),
    ...(options.reopenLogs === undefined ? {} : { reopenLogs: options.reopenLogs }),
  });
  return { stopped: stoppedSignal, reload: (trigger) => reloader.reload(trigger), shutdown: begin };
}

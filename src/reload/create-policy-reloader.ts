import type { Logger } from 'pino';
import type { Metrics } from '../observe/create-metrics.js';

export interface PolicyReloaderDeps<T> {
  /** Reads the config and profiles again and compiles them; throws (PolicyError, ConfigError) if invalid. */
  readonly load: () => Promise<T>;
  /** Makes the new policy the one new connections see; established tunnels keep theirs. */
  readonly apply: (next: T) => void;
  /** Where egressgate_policy_reloads_total is counted, by result; omitted, reloads are only logged. */
  readonly metrics?: Pick<Metrics, 'policyReloads'>;
  readonly logger: Logger;
  /** Also told about a failed reload: the log may go to a file or syslog nobody is watching. */
  readonly stderr?: { write(text: string): unknown };
}

export interface PolicyReloader {
  /** Resolves true when the new policy is in force, false when the old one was kept. Never rejects. */
  reload(trigger: string): Promise<boolean>;
}

/**
 * Reloads one at a time: a trigger that arrives during a reload schedules exactly one more, so a burst
 * of file events (or SIGHUPs) costs at most two loads and the last state on disk always wins.
 */
export function createPolicyReloader<T>(deps: PolicyReloaderDeps<T>): PolicyReloader {
  let running: Promise<boolean> | null = null;
  let again: Promise<boolean> | null = null;

  const runOnce = async (trigger: string): Promise<boolean> => {
    let next: T;
    try {
      next = await deps.load();
      deps.apply(next);
    } catch (err) {
      deps.metrics?.policyReloads.inc({ result: 'failure' });
      deps.logger.error(
        { event: 'policy_reload', trigger, result: 'failure', ...describeError(err) },
        'policy reload failed; keeping the policy in force',
      );
      deps.stderr?.write(
        `egressgate: policy reload (${trigger}) failed, keeping the policy in force: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return false;
    }
    deps.metrics?.policyReloads.inc({ result: 'success' });
    deps.logger.info({ event: 'policy_reload', trigger, result: 'success' }, 'policy reloaded');
    return true;
  };

  const start = (trigger: string): Promise<boolean> => {
    const p = runOnce(trigger).finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };

  return {
    reload(trigger) {
      if (running === null) return start(trigger);
      again ??= running.then(() => {
        again = null;
        return start(trigger);
      });
      return again;
    },
  };
}

/** The fields an operator needs to fix the file: PolicyError and ConfigError both carry file and line. */
function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const e = err as Error & { code?: unknown; file?: unknown; line?: unknown };
  return {
    error: e.message,
    errorName: e.name,
    code: typeof e.code === 'string' ? e.code : null,
    file: typeof e.file === 'string' ? e.file : null,
    line: typeof e.line === 'number' ? e.line : null,
  };
}

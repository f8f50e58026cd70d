import { spawn, type ChildProcess } from 'node:child_process';
import { collectJsonLines } from '../support/collect-json-lines.js';

export interface NetnsProcess {
  readonly child: ChildProcess;
  /** stdout lines that parsed as JSON (the gateway's log). */
  readonly jsonLines: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  /** Resolves once `check` holds for the output so far; rejects if the process exits first or after timeoutMs. */
  waitFor<T>(check: () => T | null | undefined, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Spawns `command` inside network namespace `ns` (ip netns exec) and collects its output. */
export function spawnInNetns(ns: string, command: readonly string[], cwd: string): NetnsProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  // A line that is not JSON (a child's "ready") is kept in stdout() only.
  const log = collectJsonLines();
  const wake = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    log.push(d);
    for (const w of [...wake]) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const w of [...wake]) w();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    jsonLines: log.lines,
    stdout: () => out,
    stderr: () => err,
    waitFor(check, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out; stderr: ${err}`)), timeoutMs);
        const done = (error: Error | null, value?: unknown): void => {
          clearTimeout(timer);
          wake.delete(test);
          if (error === null) resolve(value as never);
          else reject(error);
        };
        const test = (): void => {
          const value = check();
          if (value !== null && value !== undefined) done(null, value);
        };
        wake.add(test);
        test();
        void exited.then(() => done(new Error(`exited (${child.exitCode}) first; stderr: ${err}`)));
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

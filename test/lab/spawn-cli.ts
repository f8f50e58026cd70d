import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '../support/run-cli.js';

export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything on stderr so far. */
  stderr(): string;
  /** Resolves with the first stderr match of `pattern` (rejects if the process ends first). */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): Promise<number | null>;
}

/** A long-running CLI command (serve, lab endpoints) from source, stopped by the test. */
export function spawnCli(args: readonly string[], cwd: string = repoRoot): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/main.ts`, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout?.resume();
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    waitForStderr(pattern) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stderr);
          if (match !== null) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve(match);
          }
        };
        waiters.push(check);
        check();
        void exited.then((code) => reject(new Error(`exited ${code} before ${pattern}: ${stderr}`)));
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

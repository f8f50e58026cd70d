import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { collectJsonLines, type LogLine as Line } from '../support/collect-json-lines.js';
import { repoRoot } from '../support/run-cli.js';

export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly proxyPort: number;
  readonly adminPort: number;
  /** JSON lines from stdout so far. */
  readonly lines: Line[];
  /** stdout lines that were not JSON (a torn or interleaved line would land here). */
  readonly unparsed: string[];
  waitForLine(match: (line: Line) => boolean): Promise<Line>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  stderr(): string;
}

/** Runs the real CLI (`egressgate serve --config FILE`) from source, as an operator would. */
export function spawnServe(configFile: string, extraArgs: readonly string[] = []): Promise<ServeProcess> {
  const args = [
    '--import',
    'tsx',
    `${repoRoot}src/cli/main.ts`,
    'serve',
    '--config',
    configFile,
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const log = collectJsonLines();
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => log.push(d));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const proxy = /proxy on [^\s,]+:(\d+)/.exec(err);
      const admin = /admin on [^\s,]+:(\d+)/.exec(err);
      if (proxy?.[1] === undefined || admin?.[1] === undefined) return;
      resolve({
        child,
        proxyPort: Number(proxy[1]),
        adminPort: Number(admin[1]),
        lines: log.lines,
        unparsed: log.unparsed,
        waitForLine: log.waitFor,
        exited,
        stderr: () => err,
      });
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
}

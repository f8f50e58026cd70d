import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { collectJsonLines } from '../support/collect-json-lines.js';

export interface ImageServe {
  readonly child: ChildProcessWithoutNullStreams;
  readonly proxyPort: number;
  readonly adminPort: number;
  /** Resolves with the first JSON log line on stdout that matches (log lines may trail the response). */
  waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | string>;
}

/**
 * Starts the emulated image's entrypoint (`egressgate serve ...`) and resolves once it has printed
 * the addresses it listens on; rejects with its stderr if it exits first.
 */
export function startImageServe(
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string>>; prefix?: readonly string[] },
): Promise<ImageServe> {
  // prefix: a command that sets the stage and then execs the rest (e.g. a read-only mount namespace).
  const [command, ...rest] = [...(options.prefix ?? []), 'egressgate', ...args] as [string, ...string[]];
  const child = spawn(command, rest, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  // Lines that look like JSON must be JSON; anything else on stdout is not a log line.
  const log = collectJsonLines({ mustParse: (text) => text.startsWith('{') });
  child.stdout.setEncoding('utf8').on('data', (d: string) => log.push(d));
  const waitForLine = log.waitFor;
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const proxy = /proxy on [^\s,]+:(\d+)/.exec(err)?.[1];
      const admin = /admin on [^\s,]+:(\d+)/.exec(err)?.[1];
      if (proxy === undefined || admin === undefined) return;
      resolve({ child, proxyPort: Number(proxy), adminPort: Number(admin), waitForLine, exited });
    });
    void exited.then((code) =>
      reject(new Error(`egressgate serve exited (${code}) before listening: ${err}`)),
    );
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { waitForPort } from './wait-for-port.js';

/** A proxy under test running in its own process, so it has a core to itself like squid does. */
export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Ports that must accept connections before the server counts as up. */
  readonly ports: readonly number[];
  /** stdout and stderr go here (the decision log, for egressgate); read back when startup fails. */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(opts.command, [...opts.args], {
    stdio: ['ignore', out, out],
    cwd: opts.cwd,
    env: opts.env ?? process.env,
  });
  fs.closeSync(out);
  const exited = once(child, 'exit').then(() => {
    throw new Error(`${opts.name} exited during startup (code ${child.exitCode}): ${readTail(opts.logFile)}`);
  });
  try {
    await Promise.race([Promise.all(opts.ports.map((p) => waitForPort(p, opts.name))), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  exited.catch(() => undefined);
  return { name: opts.name, pid: child.pid ?? -1, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '(no output)';
  }
}

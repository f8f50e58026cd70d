import { readFileSync, readdirSync } from 'node:fs';

/** Resident set size of a process in MiB (VmRSS from /proc). */
export function readRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Open file descriptors of a process. */
export function countFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Polls `read` every 100 ms until `done` holds or `timeoutMs` passes; resolves with the last value. */
export async function pollFor<T>(
  read: () => T | Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

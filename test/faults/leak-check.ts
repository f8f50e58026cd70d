import { readdirSync } from 'node:fs';
import type { Registry } from 'prom-client';

/** Open file descriptors of this process (sockets, pipes, files). */
export function countOpenFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * Polls until `read()` satisfies `done` or `timeoutMs` passes; resolves with the last value read.
 * Closing sockets takes a few event-loop turns, so a fixed sleep would be either flaky or slow.
 */
export async function pollUntil<T>(read: () => T | Promise<T>, done: (v: T) => boolean, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await read();
  }
  return value;
}

/** Waits until the descriptor count is back at (or below) `baseline`; resolves with the count seen. */
export function settleFds(baseline: number, timeoutMs = 3_000): Promise<number> {
  return pollUntil(countOpenFds, (n) => n <= baseline, timeoutMs);
}

/** Sum of a metric's series in the registry (all label sets, or those matching `labels`). */
export async function readMetric(
  registry: Registry,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** The active-connections gauge read from the app's own Registry. */
export function readActiveGauge(registry: Registry): Promise<number> {
  return readMetric(registry, 'egressgate_active_connections');
}

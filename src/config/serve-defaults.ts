import { deepFreeze } from './deep-freeze.js';
import type { ServeConfig } from './serve-config.js';

/** A default for each config key that has one: the same keys and types as the file, every one optional. */
type Defaults<T> = {
  readonly [K in keyof T]?: NonNullable<T[K]> extends readonly unknown[]
    ? T[K]
    : NonNullable<T[K]> extends object
      ? Defaults<NonNullable<T[K]>>
      : T[K];
};

/**
 * The one place a config default is written. `resolveSettings` fills absent keys from it,
 * `scripts/sync-chart.mjs` writes it into config-schema.json's `default`s (and so the Helm values
 * schema), the serve flags' help prints it, and a test holds README's tables to it. Keys whose default
 * is found at run time (`policies`: the shipped directory; `relay`: native where the addon is built)
 * or is "none" are not here.
 */
export const serveDefaults = deepFreeze({
  listen: '127.0.0.1:3128',
  admin: '127.0.0.1:9090',
  mode: 'enforce',
  denyStyle: 'forbidden',
  latencyMs: 0,
  limits: {
    maxConnections: 10_000,
    maxPendingConnections: 1_000,
    helloTimeoutMs: 10_000,
    headersTimeoutMs: 10_000,
    maxHeaderBytes: 16_384,
    maxHelloBytes: 65_536,
    peekTimeoutMs: 2_000,
  },
  timeouts: { connectMs: 60_000, idleMs: 900_000 },
  drainTimeoutMs: 30_000,
  tunnelSniCheck: true,
  workers: 1,
  log: {
    level: 'info',
    decisions: 'all',
    destination: 'stdout',
    // local0: the facility conventionally left to the site's own applications.
    syslog: { facility: 16, appName: 'egressgate' },
  },
  metrics: { deniedTopN: 50 },
} as const satisfies Defaults<ServeConfig>);

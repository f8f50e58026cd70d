import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { createApp, type App, type AppAddresses, type AppDeps } from '../../src/app.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import type { ServeConfig } from '../../src/config/serve-config.js';
import type { Resolver } from '../../src/net/create-dialer.js';
import { createLogger } from '../../src/observe/create-logger.js';
import { collectJsonLines } from './collect-json-lines.js';

export const testPoliciesDir = fileURLToPath(new URL('./policies/', import.meta.url));

export interface TestApp {
  readonly app: App;
  readonly addresses: AppAddresses;
  /** Decision and close log lines written so far. */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first log line that matches. */
  waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Names the tests use resolve only here; nothing leaves the machine. */
export const testResolver: Resolver = (hostname) => {
  const table: Record<string, string> = {
    'private.example.test': '10.1.2.3',
    'loopback.example.test': '127.0.0.3',
    'metadata.example.test': '169.254.169.254',
  };
  const address = table[hostname];
  if (address === undefined)
    return Promise.reject(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  return Promise.resolve([{ address, family: 4 }]);
};

/** The app on 127.0.0.1 port 0 with the test profile; `config` overrides any part of it. */
export async function startTestApp(config: ServeConfig = {}, deps: Partial<AppDeps> = {}): Promise<TestApp> {
  const log = collectJsonLines({ mustParse: () => true });
  const settings = resolveSettings(
    { listen: '127.0.0.1:0', admin: '127.0.0.1:0', profiles: ['egress-test'], ...config },
    { defaultPoliciesDir: testPoliciesDir },
  );
  const app = createApp({
    config: settings,
    logger: createLogger({ level: 'info', destination: log.writable }),
    registry: new Registry(),
    resolver: testResolver,
    defaultMetrics: false,
    ...deps,
  });
  const addresses = await app.start();
  return {
    app,
    addresses,
    lines: log.lines,
    waitForLine: log.waitFor,
    stop: () => app.stop(),
  };
}

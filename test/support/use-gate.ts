import { afterAll, beforeAll } from 'vitest';
import type { AppDeps } from '../../src/app.js';
import type { ServeConfig } from '../../src/config/serve-config.js';
import { startTestApp, type TestApp } from './start-test-app.js';

interface Closable {
  close(): Promise<void>;
}

/** The gate and the upstreams it dials, each readable once beforeAll has run. */
export type GateFixture<U> = Readonly<U> & { readonly gate: TestApp };

/**
 * The common pair as one call, for a file or a describe block: beforeAll starts the upstreams (in the
 * order given) and then the app with `config(upstreams)`; afterAll stops the app and then closes the
 * upstreams. Read `fixture.gate` and the upstreams by name inside tests and hooks only.
 */
export function useGate<U extends Record<string, Closable>>(
  upstreams: { readonly [K in keyof U]: () => Promise<U[K]> },
  config: (upstreams: U) => ServeConfig = () => ({}),
  deps: (upstreams: U) => Partial<AppDeps> = () => ({}),
): GateFixture<U> {
  const started: Partial<U> = {};
  let gate: TestApp | null = null;
  beforeAll(async () => {
    for (const name of Object.keys(upstreams) as (keyof U)[]) started[name] = await upstreams[name]();
    gate = await startTestApp(config(started as U), deps(started as U));
  });
  afterAll(async () => {
    await gate?.stop();
    gate = null;
    for (const upstream of Object.values(started) as Closable[]) await upstream.close();
  });
  const fixture = {} as GateFixture<U>;
  const read = <T>(value: T | null | undefined, name: string): T => {
    if (value === null || value === undefined) throw new Error(`${name} is read before beforeAll ran`);
    return value;
  };
  Object.defineProperty(fixture, 'gate', { get: () => read(gate, 'gate') });
  for (const name of Object.keys(upstreams)) {
    Object.defineProperty(fixture, name, { get: () => read(started[name as keyof U], name) });
  }
  return fixture;
}

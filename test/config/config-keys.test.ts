import { describe, expect, it } from 'vitest';
import configSchema from '../../src/config/config-schema.json' with { type: 'json' };
import type { ClientGroupConfig, ServeConfig } from '../../src/config/serve-config.js';

/**
 * Every key of a type, as a list the type checker holds to the type both ways: a key missing from the
 * list, or a list entry that is no key, fails `npm run typecheck`. The test then holds the schema to
 * the lists, so a key added to the schema and not to `ServeConfig` (or the other way round) is caught.
 */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    ...keys: K &
      ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })
  ): readonly string[] => keys.map(String);
}

type Section<K extends keyof ServeConfig> = NonNullable<ServeConfig[K]>;
type LogConfig = Section<'log'>;

const topLevel = keysOf<ServeConfig>()(
  'listen',
  'admin',
  'transparentTls',
  'transparentHttp',
  'transparentTcp',
  'policies',
  'profiles',
  'parameters',
  'excludeRules',
  'servicetags',
  'mode',
  'denyStyle',
  'latencyMs',
  'connectTo',
  'upstreamProxy',
  'allowClients',
  'clientGroups',
  'privateDestinations',
  'limits',
  'timeouts',
  'drainTimeoutMs',
  'tunnelSniCheck',
  'workers',
  'relay',
  'log',
  'metrics',
);
const sections: Readonly<Record<string, readonly string[]>> = {
  limits: keysOf<Section<'limits'>>()(
    'maxConnections',
    'maxPendingConnections',
    'helloTimeoutMs',
    'headersTimeoutMs',
    'maxHeaderBytes',
    'maxHelloBytes',
    'peekTimeoutMs',
  ),
  timeouts: keysOf<Section<'timeouts'>>()('connectMs', 'idleMs'),
  log: keysOf<LogConfig>()('level', 'decisions', 'destination', 'file', 'syslog'),
  metrics: keysOf<Section<'metrics'>>()('deniedTopN'),
};
const groupKeys = keysOf<ClientGroupConfig>()(
  'name',
  'cidrs',
  'users',
  'profiles',
  'parameters',
  'excludeRules',
  'mode',
  'denyStyle',
  'maxConnections',
  'privateDestinations',
);
const syslogKeys = keysOf<NonNullable<LogConfig['syslog']>>()('address', 'facility', 'appName');

interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: unknown;
}
const schema = configSchema as SchemaNode;
const propertiesOf = (node: SchemaNode | undefined): string[] => Object.keys(node?.properties ?? {}).sort();
const sorted = (keys: readonly string[]): string[] => [...keys].sort();

describe('config-schema.json and ServeConfig name the same keys', () => {
  it('at the top level, and the schema refuses any other', () => {
    expect(propertiesOf(schema)).toEqual(sorted(topLevel));
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(Object.entries(sections))('in %s', (key, keys) => {
    const node = schema.properties?.[key];
    expect(propertiesOf(node)).toEqual(sorted(keys));
    expect(node?.additionalProperties).toBe(false);
  });

  it('in a client group and in log.syslog', () => {
    const group = schema.properties?.['clientGroups']?.items;
    expect(propertiesOf(group)).toEqual(sorted(groupKeys));
    expect(group?.additionalProperties).toBe(false);
    expect(propertiesOf(schema.properties?.['log']?.properties?.['syslog'])).toEqual(sorted(syslogKeys));
  });
});

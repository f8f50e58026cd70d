import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { mergeServeFlags } from '../../src/config/merge-serve-flags.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { createLogger } from '../../src/observe/create-logger.js';
import { testPoliciesDir } from '../support/start-test-app.js';

const resolve = (text: string): ReturnType<typeof resolveSettings> =>
  resolveSettings(parseConfigText(text, 'test.yaml'), { defaultPoliciesDir: testPoliciesDir });

describe('transparentTcp, peekTimeoutMs, privateDestinations and log.decisions in the config', () => {
  it('reads them, with their defaults', () => {
    const settings = resolve(`transparentTcp: ["127.0.0.1:15003", "[::1]:15004"]
privateDestinations: [10.0.0.0/24]
clientGroups:
  - { name: hub, cidrs: [127.0.0.0/8], profiles: [egress-test], privateDestinations: [192.168.10.0/24] }
limits: { peekTimeoutMs: 750 }
log: { level: warn, decisions: deny }
`);
    expect(settings.transparentTcp).toEqual([
      { host: '127.0.0.1', port: 15003 },
      { host: '::1', port: 15004 },
    ]);
    expect(settings.limits.peekTimeoutMs).toBe(750);
    expect(settings.logDecisions).toBe('deny');
    expect(settings.groups.find((g) => g.name === 'hub')?.privateDestinations).toEqual(['192.168.10.0/24']);
    const defaults = resolve('{}');
    expect(defaults.transparentTcp).toEqual([]);
    expect(defaults.limits.peekTimeoutMs).toBe(2_000);
    expect(defaults.logDecisions).toBe('all');
  });

  it('refuses what it cannot use, naming the key', () => {
    expect(() => resolve('transparentTcp: ["127.0.0.1:15003=389"]')).toThrow(/transparentTcp/);
    expect(() => resolve('log: { decisions: some }')).toThrow(/decisions/);
    expect(() => resolve('privateDestinations: [0.0.0.0/0]')).toThrow(ConfigError);
    expect(() => mergeServeFlags({}, { logDecisions: 'loud' })).toThrow(/--log-decisions/);
  });

  it('takes --transparent-tcp and --log-decisions over the file', () => {
    const merged = mergeServeFlags(
      { transparentTcp: ['127.0.0.1:1'], log: { level: 'warn' } },
      { transparentTcp: ['127.0.0.1:2'], logDecisions: 'none' },
    );
    expect(merged).toMatchObject({
      transparentTcp: ['127.0.0.1:2'],
      log: { level: 'warn', decisions: 'none' },
    });
  });

  it('refuses to start a transparent-tcp listener where the original destination cannot be read', async () => {
    const app = createApp({
      config: resolve(
        'listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nprofiles: [egress-test]\ntransparentTcp: ["127.0.0.1:0"]',
      ),
      logger: createLogger({ level: 'silent' }),
      registry: new Registry(),
      defaultMetrics: false,
      readOriginalDestination: null,
    });
    await expect(app.start()).rejects.toThrow(/SO_ORIGINAL_DST.*native addon/);
    await app.stop();
  });
});

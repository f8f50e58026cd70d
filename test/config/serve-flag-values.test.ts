import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { mergeServeFlags } from '../../src/config/merge-serve-flags.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';

// A client group, since a listener on every address with none is refused (never an open proxy).
const resolve = (flags: Parameters<typeof mergeServeFlags>[1]) =>
  resolveSettings(mergeServeFlags({}, { allowClient: ['10.0.0.0/8'], ...flags }), {
    defaultPoliciesDir: '/shipped/',
  });

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no ConfigError');
}

// Values the flags took before they were checked by the config schema keep working.
describe('serve flag values the schema must keep taking', () => {
  it.each([
    [':::3128', '::', 3128],
    ['::1:3128', '::1', 3128],
    ['[::1]:3128', '::1', 3128],
    ['127.0.0.1:0', '127.0.0.1', 0],
  ])('--listen %s binds %s port %i', (listen, host, port) => {
    expect(resolve({ listen }).listen).toMatchObject({ host, port });
  });

  it('--admin and --transparent-tls take an unbracketed IPv6 address too', () => {
    const settings = resolve({ admin: '::1:9090', transparentTls: ['::1:15001'] });
    expect(settings.admin).toMatchObject({ host: '::1', port: 9090 });
    expect(settings.transparentTls[0]).toMatchObject({ host: '::1', port: 15001 });
  });

  it('--upstream-proxy takes the scheme in any case', () => {
    expect(resolve({ upstreamProxy: 'HTTP://proxy.example:3128' }).upstreamProxy).toEqual({
      host: 'proxy.example',
      port: 3128,
    });
  });

  // setTimeout fires a delay past 2^31-1 ms after 1 ms: a huge latency would silently become none.
  it('--latency past what a timer can wait is refused, naming the flag', () => {
    expect(errorOf(() => resolve({ latency: '3000000000' })).message).toBe(
      '--latency must be a whole number of milliseconds, not "3000000000"',
    );
    expect(resolve({ latency: '2147483647' }).latencyMs).toBe(2147483647);
  });
});

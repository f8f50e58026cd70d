import { BlockList } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDialer, type Resolver } from '../../src/net/create-dialer.js';
import { openTunnel } from '../support/open-tunnel.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// A name whose answer mixes public and inside addresses: only the public ones may ever be dialed.
const mixed = ['10.0.0.5', '127.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '93.184.216.34', '::1'];
const answers: Record<string, readonly string[]> = {
  'mixed.example.test': mixed,
  'inside.example.test': ['169.254.169.254', '10.9.9.9', '127.0.0.1', '::1', 'fe80::1', '100.64.0.1'],
};
const resolver: Resolver = (hostname) => {
  const found = answers[hostname];
  if (found === undefined)
    return Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
  return Promise.resolve(found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

function dialer() {
  return createDialer({
    resolver,
    connectTo: [],
    upstreamProxy: null,
    connectTimeoutMs: 1_000,
    isOwnAddress: () => false,
  });
}

describe('the dial plan keeps only dialable addresses of an answer', () => {
  it('a mixed answer: only the public address, wherever it stands in the answer', async () => {
    const plan = await dialer().plan({ host: 'mixed.example.test', port: 443 }, null);
    expect(plan).toMatchObject({ addresses: ['93.184.216.34'] });
  });

  it('a CIDR rule over 10/8 adds 10.0.0.5, and never the metadata address', async () => {
    const cidrs = new BlockList();
    cidrs.addSubnet('10.0.0.0', 8, 'ipv4');
    cidrs.addSubnet('169.254.0.0', 16, 'ipv4');
    const plan = await dialer().plan({ host: 'mixed.example.test', port: 443 }, cidrs);
    expect(plan).toMatchObject({ addresses: ['10.0.0.5', '93.184.216.34'] });
  });

  it('an answer with nothing public is a refusal naming the addresses', async () => {
    const plan = await dialer().plan({ host: 'inside.example.test', port: 443 }, null);
    expect(plan).toMatchObject({ refused: 'private_address' });
  });
});

describe('through the proxy', () => {
  const fx = useGate(
    { upstream: () => startTcpUpstream((s) => s.destroy()) },
    () => ({
      policies: fileURLToPath(new URL('../faults/policies/', import.meta.url)),
      profiles: ['faults-test'],
    }),
    () => ({ resolver }),
  );

  it('an allowed name that resolves only inside is refused (private_address), nothing is dialed', async () => {
    const res = await openTunnel(fx.gate.addresses.listen.port, `inside.example.test:${fx.upstream.port}`);
    res.socket.destroy();
    expect(res.status).toBe(403);
    expect(res.headers['proxy-status']).toContain('private_address');
    expect(fx.upstream.connections()).toBe(0);
  });
});

import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDialer } from '../../src/net/create-dialer.js';

describe('dialer through an upstream proxy', () => {
  it("refuses an address literal that is egressgate's own listener as a loop, as a direct dial would", async () => {
    const dialer = createDialer({
      resolver: () => Promise.resolve([]),
      connectTo: [],
      upstreamProxy: { host: '127.0.0.1', port: 9 },
      connectTimeoutMs: 1_000,
      isOwnAddress: (a) => a.address === '10.0.0.1' && a.port === 3128,
    });
    // Even a CIDR rule over the gateway's own address does not send it to the parent.
    const allowed = new BlockList();
    allowed.addSubnet('10.0.0.0', 8, 'ipv4');
    expect(await dialer.plan({ host: '10.0.0.1', port: 3128 }, allowed)).toMatchObject({
      refused: 'loop',
      relaxed: null,
    });
    expect(await dialer.plan({ host: '10.0.0.1', port: 3129 }, allowed)).toMatchObject({
      addresses: ['10.0.0.1'],
      viaProxy: { host: '127.0.0.1', port: 9 },
    });
  });
});

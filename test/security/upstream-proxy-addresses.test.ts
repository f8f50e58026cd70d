import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openTunnel } from '../support/open-tunnel.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// Through a parent proxy egressgate resolves nothing, but an IP literal needs no resolving: the
// never-dialable classes (metadata, unspecified, multicast) must not be handed to the parent either.
const policies = fileURLToPath(new URL('../faults/policies/', import.meta.url));
const asked: string[] = [];

const fx = useGate(
  {
    parent: () =>
      startTcpUpstream((socket) => {
        socket.on('error', () => undefined);
        socket.once('data', (head: Buffer) => {
          asked.push(head.toString('latin1').split('\r\n')[0] ?? '');
          socket.end('HTTP/1.1 200 Connection Established\r\n\r\n');
        });
      }),
  },
  ({ parent }) => ({
    policies,
    profiles: ['wide-cidr-test'],
    upstreamProxy: `http://127.0.0.1:${parent.port}`,
  }),
);

describe('an upstream proxy never gets a never-dialable address', () => {
  it.each([
    '169.254.169.254:80',
    '[::ffff:169.254.169.254]:80',
    '168.63.129.16:80',
    '0.0.0.0:80',
    '224.0.0.1:80',
  ])('CONNECT %s', async (target) => {
    asked.length = 0;
    const res = await openTunnel(fx.gate.addresses.listen.port, target);
    res.socket.destroy();
    expect(res.status).toBe(403);
    expect(res.headers['proxy-status']).toContain('private_address');
    expect(asked).toEqual([]);
  });

  it('the control: an address the CIDR rule opens goes to the parent', async () => {
    asked.length = 0;
    const res = await openTunnel(fx.gate.addresses.listen.port, '192.0.2.10:443');
    res.socket.destroy();
    expect(res.status).toBe(200);
    expect(asked).toEqual(['CONNECT 192.0.2.10:443 HTTP/1.1']);
  });
});

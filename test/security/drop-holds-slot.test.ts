import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/net/create-dialer.js';
import { pollUntil } from '../faults/leak-check.js';
import { openTunnel } from '../support/open-tunnel.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// A group whose denials are dropped silently must not hold sockets beyond its connection limit:
// each held socket keeps its slot until the client leaves.

const fx = useGate({ echo: () => startTcpUpstream((s) => s.pipe(s)) }, ({ echo }) => ({
  clientGroups: [
    {
      name: 'dropper',
      cidrs: ['127.0.0.2/32'],
      profiles: ['egress-test'],
      denyStyle: 'drop',
      maxConnections: 1,
    },
  ],
  connectTo: [`allowed.example.test:443:127.0.0.1:${echo.port}`],
}));

function connectDenied(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: fx.gate.addresses.listen.port, localAddress: '127.0.0.2' },
      () => {
        socket.write('CONNECT denied.example.test:443 HTTP/1.1\r\nHost: denied.example.test:443\r\n\r\n');
        resolve(socket);
      },
    );
    socket.on('error', reject);
  });
}

describe('drop deny style and connection limits', () => {
  it('a dropped socket holds its slot until the client leaves; the next one over the limit gets 503 at once', async () => {
    const held = await connectDenied();
    const received: Buffer[] = [];
    held.on('data', (d: Buffer) => received.push(d));
    await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['host'] === 'denied.example.test');
    expect(fx.gate.app.activeConnections()).toBe(1);

    const over = await openTunnel(fx.gate.addresses.listen.port, 'allowed.example.test:443', {
      localAddress: '127.0.0.2',
    });
    expect(over.status).toBe(503);
    expect(over.headers['proxy-status']).toMatch(/error=connection_limit_reached/);
    over.socket.destroy();
    expect(received).toEqual([]);

    held.destroy();
    await pollUntil(
      () => fx.gate.app.activeConnections(),
      (n) => n === 0,
    );
    const after = await openTunnel(fx.gate.addresses.listen.port, 'allowed.example.test:443', {
      localAddress: '127.0.0.2',
    });
    expect(after.status).toBe(200);
    after.socket.destroy();
  });
});

// A refusal found only after the name resolved (here private_address) comes after an await: a client
// that left meanwhile has already closed, and waiting for its 'close' would hold the slot for ever.
const slowPrivate: Resolver = () =>
  new Promise((resolve) => setTimeout(() => resolve([{ address: '10.0.0.5', family: 4 }]), 300));
const late = useGate(
  {},
  () => ({
    clientGroups: [
      {
        name: 'dropper',
        cidrs: ['127.0.0.2/32'],
        profiles: ['egress-test'],
        denyStyle: 'drop',
        maxConnections: 1,
      },
    ],
  }),
  () => ({ resolver: slowPrivate }),
);

describe('drop deny style after a slow resolution', () => {
  it('a client that left before the refusal gives its slot back', async () => {
    const socket = connect({
      host: '127.0.0.1',
      port: late.gate.addresses.listen.port,
      localAddress: '127.0.0.2',
    });
    socket.on('error', () => undefined);
    socket.write('CONNECT private.example.test:443 HTTP/1.1\r\nHost: private.example.test:443\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(late.gate.app.activeConnections()).toBe(1);
    socket.destroy();
    const decision = await late.gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'private.example.test',
    );
    expect(decision).toMatchObject({ decision: 'deny', reason: 'private_address' });
    expect(
      await pollUntil(
        () => late.gate.app.activeConnections(),
        (n) => n === 0,
      ),
    ).toBe(0);
  });
});

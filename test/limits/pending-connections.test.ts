import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClientHello } from '../net/client-hello-builder.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

const limit = 3;
const registry = new Registry();
let tlsPort: number;

const fx = useGate(
  {
    upstream: () =>
      startTcpUpstream((socket: Socket) => {
        socket.on('error', () => undefined);
        socket.on('data', () => socket.write('ok'));
        socket.once('end', () => socket.destroy());
      }),
  },
  ({ upstream }) => ({
    transparentTls: ['127.0.0.1:0'],
    connectTo: [`allowed.example.test::127.0.0.1:${upstream.port}`],
    limits: { maxPendingConnections: limit, helloTimeoutMs: 60_000 },
  }),
  () => ({ registry }),
);

beforeAll(() => {
  tlsPort = fx.gate.addresses.transparentTls[0]?.port ?? 0;
});

async function rejections(): Promise<number> {
  const metric = await registry.getSingleMetric('egressgate_connection_limit_rejections_total')?.get();
  return metric?.values.find((v) => v.labels['scope'] === 'pending')?.value ?? 0;
}

/** Opens a socket and sends the first half of a ClientHello; resolves once the bytes are written. */
function halfHello(): Promise<Socket> {
  const hello = buildClientHello({ sni: 'allowed.example.test' });
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: tlsPort }, () =>
      socket.write(hello.subarray(0, hello.length >> 1), () => resolve(socket)),
    );
    socket.once('error', reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
    socket.on('error', () => undefined);
  });
}

/** Resolves true when the gate closes the socket, false when it answers the rest of the hello. */
function completeHello(socket: Socket): Promise<boolean> {
  const hello = buildClientHello({ sni: 'allowed.example.test' });
  return new Promise((resolve) => {
    socket.on('error', () => undefined);
    socket.once('data', () => resolve(false));
    socket.once('close', () => resolve(true));
    socket.write(hello.subarray(hello.length >> 1));
  });
}

describe('limits.maxPendingConnections', () => {
  it('closes the socket past the cap, counts it, and frees a slot once a hello completes or its socket closes', async () => {
    const held = await Promise.all(Array.from({ length: limit }, () => halfHello()));
    // Let the gate accept all of them before the extra one arrives.
    await new Promise((r) => setTimeout(r, 50));
    const extra = await halfHello().catch(() => null);
    if (extra !== null) await closed(extra);
    expect(await rejections()).toBe(1);
    expect(fx.gate.lines.some((l) => l['event'] === 'connection_limit' && l['scope'] === 'pending')).toBe(
      true,
    );

    // One completes its hello: it is handed on and tunnelled, and its slot is free again.
    expect(await completeHello(held[0] as Socket)).toBe(false);
    const next = await halfHello();
    expect(await completeHello(next)).toBe(false);
    // One gives up: its slot is free too.
    (held[1] as Socket).destroy();
    await closed(held[1] as Socket);
    await new Promise((r) => setTimeout(r, 50));
    const again = await halfHello();
    expect(await completeHello(again)).toBe(false);
    expect(await rejections()).toBe(1);
    for (const s of [...held, next, again]) s.destroy();
  });
});

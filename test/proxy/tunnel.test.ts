import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { testCa } from '../support/make-certs.js';
import { openTunnel } from '../support/open-tunnel.js';
import { countTcpHandles, describeRelays } from '../support/relays.js';
import { startHttpsUpstream, startTcpUpstream, type Upstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

const MiB = 1024 * 1024;
const block = randomBytes(MiB);

// Sends 100 MiB and closes; hashes whatever it receives and answers with the digest on end.
function startBulk(): Promise<Upstream> {
  return startTcpUpstream((socket) => {
    let sent = 0;
    const pump = (): void => {
      while (sent < 100) {
        sent++;
        if (!socket.write(block)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
}

// Half-close: answers only after the client has finished sending, on the same connection.
function startHalfClose(): Promise<Upstream> {
  return startTcpUpstream((socket) => {
    const hash = createHash('sha256');
    socket.on('data', (c: Buffer) => hash.update(c));
    socket.on('end', () => socket.end(hash.digest('hex')));
  });
}

describeRelays('tunnel', (relay) => {
  const fx = useGate(
    { bulk: startBulk, halfClose: startHalfClose, wss: () => startHttpsUpstream(['ws.example.test']) },
    ({ bulk, halfClose, wss }) => ({
      relay,
      connectTo: [
        `allowed.example.test:443:127.0.0.1:${bulk.port}`,
        `management.azure.com:443:127.0.0.1:${halfClose.port}`,
        `ws.example.test:443:127.0.0.1:${wss.port}`,
      ],
    }),
  );

  /** A CONNECT tunnel through the gate that must be established (200). */
  async function tunnelTo(target: string): Promise<Socket> {
    const { status, socket } = await openTunnel(fx.gate.addresses.listen.port, target);
    expect(status).toBe(200);
    return socket;
  }

  it(`is carried by the ${relay} relay (a native tunnel leaves no Node socket in the proxy)`, async () => {
    expect(fx.gate.app.relay).toBe(relay);
    const before = countTcpHandles();
    const socket = await tunnelTo('management.azure.com:443');
    // Not a ClientHello: the SNI check lets it through at once and the relay takes over.
    socket.write('x');
    // The test's client and the upstream's accepted socket, plus the proxy's two in JS.
    await expect.poll(() => countTcpHandles() - before).toBe(relay === 'native' ? 2 : 4);
    socket.end();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()).resume());
  });

  it('carries 100 MiB byte-exact and counts the bytes', async () => {
    const socket = await tunnelTo('allowed.example.test:443');
    const hash = createHash('sha256');
    let total = 0;
    socket.on('data', (c: Buffer) => {
      hash.update(c);
      total += c.length;
    });
    await new Promise<void>((resolve) => socket.on('end', resolve));
    socket.end();
    const expected = createHash('sha256');
    for (let i = 0; i < 100; i++) expected.update(block);
    expect(total).toBe(100 * MiB);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    const close = await fx.gate.waitForLine(
      (l) => l['msg'] === 'close' && l['host'] === 'allowed.example.test',
    );
    expect(close['bytesIn']).toBe(100 * MiB);
    expect(close['closeReason']).toBe('upstream_closed');
  });

  it('passes a half-close through: the upstream still answers after the client ends', async () => {
    const socket = await tunnelTo('management.azure.com:443');
    const payload = randomBytes(3 * MiB + 17);
    socket.end(payload);
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    await new Promise<void>((resolve) => socket.on('end', resolve));
    expect(answer).toBe(createHash('sha256').update(payload).digest('hex'));
    const close = await fx.gate.waitForLine(
      (l) => l['msg'] === 'close' && l['host'] === 'management.azure.com' && l['bytesOut'] === payload.length,
    );
    expect(close).toMatchObject({ bytesOut: payload.length, bytesIn: 64, closeReason: 'client_closed' });
  });

  it('carries 100 MiB byte-exact towards the upstream, which answers after the half-close', async () => {
    const socket = await tunnelTo('management.azure.com:443');
    const expected = createHash('sha256');
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (sent < 100) {
          sent++;
          expected.update(block);
          if (!socket.write(block)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
        resolve();
      };
      pump();
    });
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    await new Promise<void>((resolve) => socket.on('end', resolve));
    expect(answer).toBe(expected.digest('hex'));
    const close = await fx.gate.waitForLine(
      (l) => l['msg'] === 'close' && l['host'] === 'management.azure.com' && l['bytesOut'] === 100 * MiB,
    );
    expect(close).toMatchObject({ bytesIn: 64, closeReason: 'client_closed' });
  });

  it('carries a wss websocket (ws client over CONNECT)', async () => {
    const tunnel = await tunnelTo('ws.example.test:443');
    const ws = new WebSocket('wss://ws.example.test/socket', {
      createConnection: () =>
        tlsConnect({ socket: tunnel, servername: 'ws.example.test', ca: testCa().certPem }),
    });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const echoed = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    ws.send('hello through the tunnel');
    expect(await echoed).toBe('hello through the tunnel');
    ws.close();
  });

  it('leaks no sockets or timers over many tunnels', async () => {
    // An earlier test's tunnel (the websocket's) may still be closing; its close line would
    // count as one of ours.
    await expect.poll(() => fx.gate.app.activeConnections()).toBe(0);
    const handles = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'Timeout').length;
    const before = handles();
    const closes = (): number => fx.gate.lines.filter((l) => l['msg'] === 'close').length;
    const closedBefore = closes();
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const socket = await tunnelTo('management.azure.com:443');
          socket.end('x');
          await new Promise<void>((resolve) => socket.on('close', () => resolve()).resume());
        }),
      );
    }
    await fx.gate.waitForLine(() => closes() >= closedBefore + 50);
    expect(fx.gate.app.activeConnections()).toBe(0);
    await expect.poll(handles).toBeLessThanOrEqual(before);
  });

  it('leaves no connection open once the clients are gone', async () => {
    const socket = await tunnelTo('management.azure.com:443');
    socket.destroy();
    await fx.gate.waitForLine(
      (l) => l['msg'] === 'close' && l['closeReason'] === 'client_closed' && l['bytesOut'] === 0,
    );
    expect(fx.gate.app.activeConnections()).toBe(0);
  });
});

import { connect } from 'node:net';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ServeConfig } from '../../src/config/serve-config.js';
import type { RelayKind } from '../../src/net/native-relay.js';
import { closed, openTunnel } from '../support/open-tunnel.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { describeRelays } from '../support/relays.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

let upstream: Upstream;
let relay: RelayKind = 'js';
const opened: TestApp[] = [];

beforeEach(async () => {
  // Holds every connection open and silent: only egressgate ends it.
  upstream = await startTcpUpstream(() => undefined);
});

afterEach(async () => {
  for (const gate of opened.splice(0)) await gate.stop();
  await upstream.close();
});

async function start(config: ServeConfig): Promise<TestApp> {
  const gate = await startTestApp({ relay, connectTo: [`::127.0.0.1:${upstream.port}`], ...config });
  opened.push(gate);
  return gate;
}

describeRelays('connection lifecycle', (kind) => {
  beforeAll(() => {
    relay = kind;
  });

  it('closes an idle tunnel after timeouts.idleMs (idle_timeout)', async () => {
    const gate = await start({ timeouts: { idleMs: 200 } });
    const { status, socket } = await openTunnel(gate.addresses.listen.port, 'allowed.example.test:443');
    expect(status).toBe(200);
    // One byte through (not a ClientHello, so the relay takes over at once), then silence.
    socket.write('x');
    await closed(socket);
    const line = await gate.waitForLine((l) => l['msg'] === 'close');
    expect(line['closeReason']).toBe('idle_timeout');
  });

  it('drain closes what is still open after the timeout (drained) and stops accepting', async () => {
    const gate = await start({});
    const { socket } = await openTunnel(gate.addresses.listen.port, 'allowed.example.test:443');
    socket.write('x');
    await gate.app.drain(50);
    await closed(socket);
    expect((await gate.waitForLine((l) => l['msg'] === 'close'))['closeReason']).toBe('drained');
    await expect(rawExchange(gate.addresses.listen.port, 'CONNECT a:443 HTTP/1.1\r\n\r\n')).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it.each([
    ['CONNECT', 'CONNECT allowed.example.test:443 HTTP/1.1\r\n\r\n'],
    [
      'absolute-URI GET',
      'GET http://plain.example.test/allowed/ HTTP/1.1\r\nHost: plain.example.test\r\n\r\n',
    ],
    [
      'websocket upgrade',
      'GET http://ws.example.test/socket HTTP/1.1\r\nHost: ws.example.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ],
  ])('releases a %s whose client leaves while the upstream is dialed', async (_kind, bytes) => {
    const gate = await start({ latencyMs: 150 });
    const socket = connect({ host: '127.0.0.1', port: gate.addresses.listen.port });
    socket.write(bytes);
    await gate.waitForLine((l) => l['msg'] === 'decision' || l['event'] === 'decision');
    socket.destroy();
    const line = await gate.waitForLine((l) => l['msg'] === 'close');
    expect(line['closeReason']).toBe('client_closed');
    expect(gate.app.activeConnections()).toBe(0);
  });

  it('refuses connections over limits.maxConnections (connection_limit)', async () => {
    const gate = await start({ limits: { maxConnections: 1 } });
    const first = await openTunnel(gate.addresses.listen.port, 'allowed.example.test:443');
    expect(first.status).toBe(200);
    const second = parseRawResponse(
      await rawExchange(gate.addresses.listen.port, 'CONNECT allowed.example.test:443 HTTP/1.1\r\n\r\n'),
    );
    expect(second.status).toBe(503);
    expect(second.body).toContain('connection_limit');
    first.socket.destroy();
  });

  it('denyStyle reset answers a denial with a TCP reset', async () => {
    const gate = await start({ denyStyle: 'reset' });
    const reply = await rawExchange(
      gate.addresses.listen.port,
      'CONNECT denied.example.test:443 HTTP/1.1\r\n\r\n',
    );
    expect(reply.length).toBe(0);
    expect(upstream.connections()).toBe(0);
  });

  it('denyStyle drop holds a denied connection silently, bounded by the idle timeout', async () => {
    const gate = await start({ denyStyle: 'drop', timeouts: { idleMs: 300 } });
    const started = Date.now();
    const reply = await rawExchange(
      gate.addresses.listen.port,
      'CONNECT denied.example.test:443 HTTP/1.1\r\n\r\n',
    );
    expect(reply.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(upstream.connections()).toBe(0);
  });

  it('serves /metrics, /healthz and /readyz on the admin port only', async () => {
    const gate = await start({});
    await rawExchange(gate.addresses.listen.port, 'CONNECT denied.example.test:443 HTTP/1.1\r\n\r\n');
    const admin = gate.addresses.admin?.port ?? 0;
    const metrics = parseRawResponse(
      await rawExchange(admin, 'GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/egressgate_decisions_total\{[^}]*decision="deny"[^}]*\} 1/);
    for (const path of ['/healthz', '/readyz']) {
      const res = await rawExchange(admin, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      expect(parseRawResponse(res).status).toBe(200);
    }
  });
});

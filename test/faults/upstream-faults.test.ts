import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/net/create-dialer.js';
import { freePort } from '../support/free-port.js';
import type { RelayKind } from '../../src/net/native-relay.js';
import { describeRelays } from '../support/relays.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';
import { countOpenFds, pollUntil, readActiveGauge, readMetric, settleFds } from './leak-check.js';
import { closed, openTunnel, roundTrip } from '../support/open-tunnel.js';

const policies = fileURLToPath(new URL('./policies/', import.meta.url));

// Fails every lookup the way a broken DNS server does; "hang" never answers at all.
const failingResolver: Resolver = (hostname) =>
  hostname.startsWith('hang.')
    ? new Promise(() => undefined)
    : Promise.reject(Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: 'EAI_AGAIN' }));

let registry: Registry;
let gate: TestApp;
let echo: Upstream;
let reset: Upstream;
let silent: Upstream;
let stream: Upstream;
let streamClosed = 0;
let refusedPort: number;
let fdBaseline: number;

/** GET http://host/ through the proxy (absolute-URI form); resolves with status and Proxy-Status. */
function forwardGet(host: string): Promise<{ status: number; proxyStatus: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: gate.addresses.listen.port,
      path: `http://${host}/x`,
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, proxyStatus: String(res.headers['proxy-status'] ?? '') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function closeLine(host: string): Promise<Record<string, unknown>> {
  return gate.waitForLine((l) => l['msg'] === 'close' && l['host'] === host);
}

beforeAll(async () => {
  echo = await startTcpUpstream((s) => s.pipe(s));
  // Answers nothing and resets the connection as soon as the client has sent something.
  reset = await startTcpUpstream((s) => s.once('data', () => s.resetAndDestroy()));
  // Reads and never answers; closes only when the other side has (the server is allowHalfOpen).
  silent = await startTcpUpstream((s) => s.resume().once('end', () => s.end()));
  // Streams until the client goes away; records when its side of the connection closed.
  stream = await startTcpUpstream((s) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => {
      while (!s.destroyed && s.write(chunk));
      if (!s.destroyed) s.once('drain', pump);
    };
    s.on('error', () => undefined);
    s.once('close', () => streamClosed++);
    pump();
  });
  refusedPort = await freePort();
});

async function startGate(relay: RelayKind): Promise<void> {
  registry = new Registry();
  const to = (name: string, port: number): string => `${name}:443:127.0.0.1:${port}`;
  gate = await startTestApp(
    {
      relay,
      policies,
      profiles: ['faults-test'],
      timeouts: { connectMs: 2_000, idleMs: 600 },
      connectTo: [
        to('echo.fault.test', echo.port),
        to('reset.fault.test', reset.port),
        to('silent.fault.test', silent.port),
        to('stream.fault.test', stream.port),
        to('refused.fault.test', refusedPort),
        `reset.fault.test:80:127.0.0.1:${reset.port}`,
        `silent.fault.test:80:127.0.0.1:${silent.port}`,
        `refused.fault.test:80:127.0.0.1:${refusedPort}`,
      ],
    },
    { registry, resolver: failingResolver },
  );
  // One tunnel first, so lazily opened handles are part of the baseline.
  const warm = await openTunnel(gate.addresses.listen.port, 'echo.fault.test:443');
  warm.socket.destroy();
  await pollUntil(
    () => readActiveGauge(registry),
    (v) => v === 0,
  );
  fdBaseline = countOpenFds();
}

afterAll(async () => {
  await Promise.all([echo.close(), reset.close(), silent.close(), stream.close()]);
});

afterEach(async () => {
  // Every fault must leave nothing behind and the gateway still serving.
  expect(
    await pollUntil(
      () => readActiveGauge(registry),
      (v) => v === 0,
    ),
  ).toBe(0);
  expect(gate.app.activeConnections()).toBe(0);
  expect(await settleFds(fdBaseline)).toBeLessThanOrEqual(fdBaseline);
  const probe = await openTunnel(gate.addresses.listen.port, 'echo.fault.test:443');
  expect(probe.status).toBe(200);
  expect(await roundTrip(probe.socket, 'still up')).toBe('still up');
  probe.socket.destroy();
  await pollUntil(
    () => readActiveGauge(registry),
    (v) => v === 0,
  );
});

describeRelays('faults', (relay) => {
  beforeAll(() => startGate(relay));
  afterAll(() => gate.stop());

  describe('upstream faults end with an RFC 9209 status and nothing leaked', () => {
    it('upstream refuses: CONNECT gets 502 connection_refused', async () => {
      const res = await openTunnel(gate.addresses.listen.port, 'refused.fault.test:443');
      expect(res.status).toBe(502);
      expect(res.headers['proxy-status']).toMatch(/^egressgate; error=connection_refused;/);
      expect(await closeLine('refused.fault.test')).toMatchObject({ closeReason: 'dial_error' });
      expect(
        await readMetric(registry, 'egressgate_dial_errors_total', { error: 'connection_refused' }),
      ).toBe(1);
      res.socket.destroy();
    });

    it('upstream refuses: absolute-URI HTTP gets 502 connection_refused', async () => {
      const res = await forwardGet('refused.fault.test:80');
      expect(res.status).toBe(502);
      expect(res.proxyStatus).toMatch(/^egressgate; error=connection_refused;/);
    });

    it('upstream resets mid-stream: the tunnel closes, the close line says why', async () => {
      const res = await openTunnel(gate.addresses.listen.port, 'reset.fault.test:443');
      expect(res.status).toBe(200);
      res.socket.on('error', () => undefined);
      res.socket.write('trigger the reset');
      await closed(res.socket);
      const line = await closeLine('reset.fault.test');
      expect(['error', 'upstream_closed']).toContain(line['closeReason']);
    });

    it('upstream resets before answering HTTP: 502 connection_terminated', async () => {
      const res = await forwardGet('reset.fault.test:80');
      expect(res.status).toBe(502);
      expect(res.proxyStatus).toMatch(/^egressgate; error=connection_terminated;/);
    });

    it('upstream never answers a tunnel: closed by the idle timeout', async () => {
      const res = await openTunnel(gate.addresses.listen.port, 'silent.fault.test:443');
      expect(res.status).toBe(200);
      res.socket.write('hello?');
      await closed(res.socket);
      expect(await closeLine('silent.fault.test')).toMatchObject({ closeReason: 'idle_timeout' });
    });

    it('upstream never answers HTTP: 504 http_response_timeout once the idle timeout passes', async () => {
      const res = await forwardGet('silent.fault.test:80');
      expect(res.status).toBe(504);
      expect(res.proxyStatus).toMatch(/^egressgate; error=http_response_timeout;/);
    });

    it('DNS fails: 502 dns_error', async () => {
      const res = await openTunnel(gate.addresses.listen.port, 'nowhere.fault.test:443');
      expect(res.status).toBe(502);
      expect(res.headers['proxy-status']).toMatch(/^egressgate; error=dns_error;/);
      expect(res.headers['proxy-status']).toContain('EAI_AGAIN');
      res.socket.destroy();
    });

    it('DNS never answers: 504 connection_timeout once connectMs passes', async () => {
      const res = await openTunnel(gate.addresses.listen.port, 'hang.fault.test:443');
      expect(res.status).toBe(504);
      expect(res.headers['proxy-status']).toMatch(/^egressgate; error=(dns_timeout|connection_timeout);/);
      res.socket.destroy();
    });

    it('client aborts mid-tunnel: client_closed, upstream side closed too', async () => {
      const before = echo.connections();
      const res = await openTunnel(gate.addresses.listen.port, 'echo.fault.test:443');
      expect(res.status).toBe(200);
      expect(await roundTrip(res.socket, 'ping')).toBe('ping');
      res.socket.resetAndDestroy();
      const line = await gate.waitForLine(
        (l) => l['msg'] === 'close' && l['host'] === 'echo.fault.test' && l['bytesOut'] === 4,
      );
      expect(['client_closed', 'error']).toContain(line['closeReason']);
      expect(echo.connections()).toBe(before + 1);
    });

    it('client killed mid-transfer: the upstream side is closed too', async () => {
      const before = streamClosed;
      const res = await openTunnel(gate.addresses.listen.port, 'stream.fault.test:443');
      expect(res.status).toBe(200);
      let received = 0;
      await new Promise<void>((resolve) =>
        res.socket.on('data', (c: Buffer) => {
          received += c.length;
          if (received >= 4 * 1024 * 1024) resolve();
        }),
      );
      res.socket.resetAndDestroy();
      expect(
        await pollUntil(
          () => streamClosed,
          (n) => n > before,
        ),
      ).toBe(before + 1);
      const line = await closeLine('stream.fault.test');
      expect(['client_closed', 'error']).toContain(line['closeReason']);
    });

    it('upstream killed mid-transfer: the client side is closed too', async () => {
      const res = await openTunnel(gate.addresses.listen.port, 'reset.fault.test:443');
      expect(res.status).toBe(200);
      res.socket.on('error', () => undefined);
      const clientClosed = closed(res.socket);
      // The reset upstream resets as soon as it reads: that is its process dying mid-transfer.
      res.socket.write(Buffer.alloc(1024 * 1024, 0x62));
      await clientClosed;
      expect(res.socket.destroyed).toBe(true);
    });
  });

  describe('parent proxy down', () => {
    it('answers 502 connection_refused, and the gateway is left clean', async () => {
      const parentPort = await freePort();
      const own = new Registry();
      const child = await startTestApp(
        { relay, policies, profiles: ['faults-test'], upstreamProxy: `http://127.0.0.1:${parentPort}` },
        { registry: own },
      );
      try {
        const res = await openTunnel(child.addresses.listen.port, 'echo.fault.test:443');
        expect(res.status).toBe(502);
        expect(res.headers['proxy-status']).toMatch(/^egressgate; error=connection_refused;/);
        res.socket.destroy();
        expect(
          await pollUntil(
            () => readActiveGauge(own),
            (v) => v === 0,
          ),
        ).toBe(0);
        expect(child.app.activeConnections()).toBe(0);
      } finally {
        await child.stop();
      }
    });
  });
});

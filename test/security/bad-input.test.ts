import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXT_PADDING, buildClientHello } from '../net/client-hello-builder.js';
import { openTunnel } from '../support/open-tunnel.js';
import { countOpenFds, pollUntil, readActiveGauge, settleFds } from '../faults/leak-check.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';

const policies = fileURLToPath(new URL('../faults/policies/', import.meta.url));
const accessDenied = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);

const registry = new Registry();
let explicitPort: number;
let tlsPort: number;
let httpPort: number;

// Answers any request with an empty 204 and closes, whatever protocol arrives.
const fx = useGate(
  {
    sink: () =>
      startTcpUpstream((s) =>
        s
          .once('data', () => s.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'))
          .on('error', () => s.destroy()),
      ),
  },
  ({ sink }) => ({
    policies,
    profiles: ['faults-test'],
    transparentTls: ['127.0.0.1:0'],
    transparentHttp: ['127.0.0.1:0'],
    // Every name maps onto the sink: only input checks keep a request from reaching it.
    connectTo: [`::127.0.0.1:${sink.port}`],
    limits: { headersTimeoutMs: 400, helloTimeoutMs: 400, maxHeaderBytes: 4_096, maxHelloBytes: 16_384 },
  }),
  () => ({ registry }),
);

beforeAll(() => {
  explicitPort = fx.gate.addresses.listen.port;
  tlsPort = fx.gate.addresses.transparentTls[0]?.port ?? 0;
  httpPort = fx.gate.addresses.transparentHttp[0]?.port ?? 0;
});

async function connectRaw(target: string | Buffer): Promise<ReturnType<typeof parseRawResponse>> {
  const line = Buffer.concat([
    Buffer.from('CONNECT '),
    Buffer.from(target),
    Buffer.from(' HTTP/1.1\r\n\r\n'),
  ]);
  return parseRawResponse(await rawExchange(explicitPort, line));
}

/** Writes `bytes` a piece at a time, one piece every `everyMs`, and resolves with what came back. */
function dribble(port: number, bytes: string, everyMs: number): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let i = 0;
    const timer = setInterval(() => {
      if (i < bytes.length && socket.writable) socket.write(bytes[i++] ?? '');
    }, everyMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), ms: Date.now() - started });
    });
  });
}

describe('malformed CONNECT targets get 400 invalid_target and never reach the sink', () => {
  const label64 = `${'a'.repeat(64)}.example.test`;
  const name254 = `${'abcdefghi.'.repeat(25)}test`;
  it.each([
    ['no port', 'allowed.example.test'],
    ['port 0', 'allowed.example.test:0'],
    ['port 65536', 'allowed.example.test:65536'],
    ['port 99999999999', 'allowed.example.test:99999999999'],
    ['signed port', 'allowed.example.test:-443'],
    ['userinfo', 'user:secret@allowed.example.test:443'],
    ['label of 64 characters', `${label64}:443`],
    ['name of 254 characters', `${name254}:443`],
    ['empty label', 'allowed..example.test:443'],
    ['percent-encoded', 'allowed%2eexample.test:443'],
    ['path', 'allowed.example.test:443/x'],
    ['zone id', '[fe80::1%25eth0]:443'],
    ['unbracketed IPv6', '::1:443'],
  ])('%s', async (_name, target) => {
    const res = await connectRaw(target);
    expect(res.status).toBe(400);
    expect(res.headers['proxy-status']).toMatch(/^egressgate; error=http_request_error;/);
    expect(res.body).toContain('invalid_target');
    expect(fx.sink.connections()).toBe(0);
  });

  it.each([
    ['a space', 'allowed example.test:443'],
    ['non-ASCII', Buffer.from('allowéd.example.test:443', 'utf8')],
    ['a NUL byte', Buffer.from('allowed\u0000.example.test:443', 'latin1')],
  ])('%s: 400 from the HTTP parser or the target check', async (_name, target) => {
    const res = await connectRaw(target);
    expect(res.status).toBe(400);
    expect(fx.sink.connections()).toBe(0);
  });

  it('does not echo the userinfo password into the log', async () => {
    await connectRaw('admin:hunter2@allowed.example.test:443');
    const text = JSON.stringify(fx.gate.lines);
    expect(text).not.toContain('hunter2');
  });
});

describe('oversized and slow requests', () => {
  it('answers 431 to request headers over maxHeaderBytes', async () => {
    const big = `CONNECT allowed.example.test:443 HTTP/1.1\r\nX-Fill: ${'x'.repeat(8_000)}\r\n\r\n`;
    expect(parseRawResponse(await rawExchange(explicitPort, big)).status).toBe(431);
    const http = `GET / HTTP/1.1\r\nHost: allowed.example.test\r\nX-Fill: ${'x'.repeat(8_000)}\r\n\r\n`;
    expect(parseRawResponse(await rawExchange(httpPort, http)).status).toBe(431);
  });

  it.each([
    ['explicit', () => explicitPort],
    ['transparent HTTP', () => httpPort],
  ])('closes a slowloris client on the %s port with 408 after headersTimeoutMs', async (_name, port) => {
    const { reply, ms } = await dribble(
      port(),
      'GET http://allowed.example.test/ HTTP/1.1\r\nX-a: b\r\n',
      50,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(3_000);
    expect(fx.sink.connections()).toBe(0);
  });

  it('closes a transparent TLS client that dribbles its hello past helloTimeoutMs', async () => {
    const hello = buildClientHello({ sni: 'allowed.example.test' }).toString('latin1');
    const { reply, ms } = await dribble(tlsPort, hello, 50);
    expect(reply).toBe('');
    expect(ms).toBeLessThan(3_000);
    expect(fx.sink.connections()).toBe(0);
  });
});

describe('bytes that are not what the port speaks', () => {
  it.each([
    ['a TLS ClientHello', buildClientHello({ sni: 'allowed.example.test' })],
    ['SSH banner', Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')],
    ['binary', Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10])],
  ])('explicit port: %s gets 400 and a close', async (_name, bytes) => {
    const res = parseRawResponse(await rawExchange(explicitPort, bytes));
    expect(res.status).toBe(400);
  });

  it.each([
    ['plain HTTP', Buffer.from('GET / HTTP/1.1\r\nHost: allowed.example.test\r\n\r\n'), 'not_tls'],
    ['garbage', Buffer.from('\x16\x03\x01\x00\x05hello', 'latin1'), 'not_tls'],
    ['a ServerHello', Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00]), 'not_tls'],
    ['no SNI', buildClientHello({}), 'no_sni'],
    ['an IP SNI', buildClientHello({ sni: '127.0.0.1' }), 'ip_sni'],
    [
      'a hello over maxHelloBytes',
      buildClientHello({
        sni: 'allowed.example.test',
        extensions: [{ type: EXT_PADDING, data: Buffer.alloc(20_000) }],
      }),
      'not_tls',
    ],
  ])('transparent TLS: %s gets access_denied and %s', async (_name, bytes, reason) => {
    const before = fx.gate.lines.length;
    expect(await rawExchange(tlsPort, bytes)).toEqual(accessDenied);
    const line = await fx.gate.waitForLine(
      (l) =>
        fx.gate.lines.indexOf(l) >= before && l['msg'] === 'decision' && l['listener'] === 'transparent-tls',
    );
    expect(line).toMatchObject({ decision: 'deny', reason });
    expect(fx.sink.connections()).toBe(0);
  });

  it('transparent TLS: a truncated hello followed by a close leaves no decision and no socket', async () => {
    const before = fx.gate.lines.length;
    const hello = buildClientHello({ sni: 'allowed.example.test' });
    expect((await rawExchange(tlsPort, hello.subarray(0, hello.length - 10))).length).toBe(0);
    expect(fx.gate.lines.slice(before).filter((l) => l['msg'] === 'decision')).toEqual([]);
  });
});

/** Writes `bytes` and half-closes, as a client with nothing more to say; resolves once closed. */
function sendAndEnd(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(bytes));
    socket.on('error', () => undefined);
    socket.resume();
    socket.on('close', () => resolve());
  });
}

describe('half-closed clients', () => {
  it('frees every socket when the client half-closes and the upstream closes unanswered', async () => {
    // The upstream reads (an allowHalfOpen server that never reads would itself hold the socket).
    const closer = await startTcpUpstream((s) => s.resume().end());
    const gateway = await startTestApp({
      policies,
      profiles: ['faults-test'],
      connectTo: [`::127.0.0.1:${closer.port}`],
    });
    try {
      const baseline = countOpenFds();
      await sendAndEnd(gateway.addresses.listen.port, Buffer.from('GET http://half.test/ HTTP/1.1\r\n\r\n'));
      expect(await settleFds(baseline, 1_500)).toBeLessThanOrEqual(baseline);
    } finally {
      await gateway.stop();
      await closer.close();
    }
  });
});

describe('bounded fuzz against the live listeners', () => {
  it('300 random payloads on every port: no crash, every connection closed, fds back', async () => {
    const baseline = countOpenFds();
    // A random target can be a valid allowed name (every name is allowed here): those may reach the sink.
    const reachedBefore = fx.sink.connections();
    const payload = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 600 }).map((a) => Buffer.from(a)),
      fc
        .tuple(fc.constantFrom('CONNECT ', 'GET ', 'GET http://', 'POST '), fc.string({ maxLength: 300 }))
        .map(([verb, rest]) => Buffer.from(`${verb}${rest} HTTP/1.1\r\n\r\n`)),
      fc
        .uint8Array({ minLength: 1, maxLength: 400 })
        .map((a) => Buffer.concat([Buffer.from([0x16, 3, 1]), a])),
    );
    const samples = fc.sample(payload, { numRuns: 300, seed: 7 });
    const ports = [explicitPort, tlsPort, httpPort];
    for (let i = 0; i < samples.length; i += 30) {
      await Promise.all(samples.slice(i, i + 30).map((bytes, j) => sendAndEnd(ports[j % 3] ?? 0, bytes)));
    }
    expect(
      await pollUntil(
        () => readActiveGauge(registry),
        (v) => v === 0,
      ),
    ).toBe(0);
    expect(fx.gate.app.activeConnections()).toBe(0);
    expect(await settleFds(baseline)).toBeLessThanOrEqual(baseline);
    // Still serving: an allowed name reaches the sink.
    const ok = await openTunnel(explicitPort, 'allowed.example.test:443');
    expect(ok.status).toBe(200);
    ok.socket.destroy();
    expect(fx.sink.connections()).toBeGreaterThan(reachedBefore);
  });
});

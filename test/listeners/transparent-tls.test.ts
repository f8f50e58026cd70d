import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClientHello } from '../net/client-hello-builder.js';
import { connectChunking } from '../support/chunking-socket.js';
import { testCa } from '../support/make-certs.js';
import { rawExchange } from '../support/raw-exchange.js';
import { startHttpsUpstream, startTcpUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';

const accessDenied = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);

/** Bytes each raw upstream connection received, in order of connection. */
const received: Buffer[][] = [];
let port: number;

const fx = useGate(
  {
    tlsUpstream: () => startHttpsUpstream(['allowed.example.test']),
    rawUpstream: () =>
      startTcpUpstream((socket) => {
        const chunks: Buffer[] = [];
        received.push(chunks);
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('end', () => socket.end('raw-upstream-done'));
      }),
  },
  ({ tlsUpstream, rawUpstream }) => ({
    transparentTls: ['127.0.0.1:0'],
    limits: { helloTimeoutMs: 400 },
    connectTo: [`ws.example.test:443:127.0.0.1:${rawUpstream.port}`, `:443:127.0.0.1:${tlsUpstream.port}`],
  }),
);

beforeAll(() => {
  port = fx.gate.addresses.transparentTls[0]?.port ?? 0;
});

function denialFor(reason: string): Promise<Record<string, unknown>> {
  return fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['reason'] === reason);
}

describe('transparent TLS listener', () => {
  it('completes a real handshake when the hello is split across segments and records', async () => {
    const tls = tlsConnect({
      socket: connectChunking(port, 7, 50),
      servername: 'allowed.example.test',
      ca: testCa().certPem,
    });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    expect(tls.getPeerCertificate().fingerprint256).toBe(fx.tlsUpstream.cert?.fingerprint256);
    tls.end('GET /split HTTP/1.1\r\nHost: allowed.example.test\r\nConnection: close\r\n\r\n');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      tls.on('data', (c: Buffer) => (text += c.toString()));
      tls.on('end', () => resolve(text));
    });
    expect(answer).toContain('hello from allowed.example.test GET /split');
  });

  it('replays a 60 KiB hello in several records byte-exact and notes ECH', async () => {
    const hello = buildClientHello({ sni: 'ws.example.test', ech: true, padBodyTo: 60_000 }, [16_384]);
    const trailer = Buffer.from('after-the-hello');
    const socket = connect({ host: '127.0.0.1', port });
    for (let offset = 0; offset < hello.length; offset += 10_000)
      socket.write(hello.subarray(offset, offset + 10_000));
    socket.end(trailer);
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toBe('raw-upstream-done');
    expect(Buffer.concat(received.at(-1) ?? [])).toEqual(Buffer.concat([hello, trailer]));
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['sni'] === 'ws.example.test');
    expect(line).toMatchObject({ decision: 'allow', ech: true, kind: 'tls', port: 443 });
  });

  it.each([
    ['no_sni', buildClientHello({})],
    ['ip_sni', buildClientHello({ sni: '10.0.0.1' })],
    ['not_tls', Buffer.from('GET / HTTP/1.1\r\nHost: allowed.example.test\r\n\r\n')],
  ])('denies %s with an access_denied alert', async (reason, bytes) => {
    const before = fx.tlsUpstream.connections();
    const reply = await rawExchange(port, bytes);
    expect(reply).toEqual(accessDenied);
    expect(fx.tlsUpstream.connections()).toBe(before);
    expect(await denialFor(reason)).toMatchObject({ decision: 'deny', listener: 'transparent-tls' });
  });

  it('answers an unreachable upstream with an internal_error alert', async () => {
    const down = await startTcpUpstream(() => undefined);
    await down.close();
    const gate2 = await startTestApp({
      transparentTls: ['127.0.0.1:0'],
      connectTo: [`:443:127.0.0.1:${down.port}`],
    });
    try {
      const reply = await rawExchange(
        gate2.addresses.transparentTls[0]?.port ?? 0,
        buildClientHello({ sni: 'allowed.example.test' }),
      );
      expect(reply).toEqual(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50]));
      const line = await gate2.waitForLine((l) => l['msg'] === 'decision');
      expect(line).toMatchObject({ decision: 'allow', dialError: 'connection_refused' });
    } finally {
      await gate2.stop();
    }
  });

  it('closes a client that does not finish its hello in time', async () => {
    const hello = buildClientHello({ sni: 'allowed.example.test' });
    const before = fx.gate.lines.length;
    const started = Date.now();
    const reply = await rawExchange(port, hello.subarray(0, 20));
    expect(reply.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(fx.gate.lines.slice(before).filter((l) => l['msg'] === 'decision')).toEqual([]);
  });
});

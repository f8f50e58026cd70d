import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SocketAddress } from '../../src/egress-request.js';
import { buildClientHello } from '../net/client-hello-builder.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream, startHttpsUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';

let port: number;

const fx = useGate({ upstream: () => startHttpUpstream('origin') }, ({ upstream }) => ({
  transparentHttp: ['127.0.0.1:0=8080'],
  connectTo: [`::127.0.0.1:${upstream.port}`],
}));

beforeAll(() => {
  port = fx.gate.addresses.transparentHttp[0]?.port ?? 0;
});

describe('transparent HTTP listener', () => {
  it('decides on the Host header with DEST_PORT when the original destination is unknown', async () => {
    const res = parseRawResponse(
      await rawExchange(
        port,
        'GET /allowed/t?x=1 HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain('hello from origin GET /allowed/t?x=1 body=');
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['path'] === '/allowed/t');
    expect(line).toMatchObject({
      host: 'plain.example.test',
      hostHeader: 'plain.example.test',
      port: 8080,
      origDst: null,
    });
  });

  it('answers 400 invalid_target without a Host header', async () => {
    const res = parseRawResponse(await rawExchange(port, 'GET /allowed/ HTTP/1.0\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(res.headers['proxy-status']).toContain('invalid_target');
  });

  it('upgrades a websocket (ws client speaking to the listener as if it were the origin)', async () => {
    const ws = new WebSocket('ws://ws.example.test/socket', {
      createConnection: () => connect({ host: '127.0.0.1', port }),
    });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const echoed = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    ws.send('transparent ws');
    expect(await echoed).toBe('transparent ws');
    ws.close();
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['kind'] === 'upgrade');
    expect(line).toMatchObject({ listener: 'transparent-http', host: 'ws.example.test', decision: 'allow' });
  });
});

describe('original destination', () => {
  it('uses the original port for the policy, logs the original address, and dials the checked name', async () => {
    const tls = await startHttpsUpstream(['allowed.example.test']);
    const original: SocketAddress = { address: '203.0.113.9', port: 443 };
    const redirected = await startTestApp(
      { transparentTls: ['127.0.0.1:0=8443'], connectTo: [`allowed.example.test:443:127.0.0.1:${tls.port}`] },
      { readOriginalDestination: () => original },
    );
    try {
      const socket: Socket = connect({
        host: '127.0.0.1',
        port: redirected.addresses.transparentTls[0]?.port ?? 0,
      });
      socket.write(buildClientHello({ sni: 'allowed.example.test' }));
      const line = await redirected.waitForLine((l) => l['msg'] === 'decision');
      socket.destroy();
      expect(line).toMatchObject({ port: 443, origDst: '203.0.113.9:443', decision: 'allow' });
      expect(line['dialed']).toBe(`127.0.0.1:${tls.port}`);
    } finally {
      await redirected.stop();
      await tls.close();
    }
  });

  it('refuses a connection whose original destination is egressgate itself (loop)', async () => {
    let ownPort = 0;
    const looped = await startTestApp(
      { transparentHttp: ['127.0.0.1:0'], connectTo: [`::127.0.0.1:${fx.upstream.port}`] },
      { readOriginalDestination: () => ({ address: '127.0.0.1', port: ownPort }) },
    );
    try {
      ownPort = looped.addresses.listen.port;
      const before = fx.upstream.connections();
      const res = parseRawResponse(
        await rawExchange(
          looped.addresses.transparentHttp[0]?.port ?? 0,
          'GET /allowed/ HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
        ),
      );
      expect(res.status).toBe(403);
      expect(res.body).toContain('loop');
      expect(fx.upstream.connections()).toBe(before);
    } finally {
      await looped.stop();
    }
  });
});

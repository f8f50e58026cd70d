import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// Every request on a reused client connection is decided on its own: an allowed first request
// must not open the way for a second one to another name.

const fx = useGate({ upstream: () => startHttpUpstream('plain') }, ({ upstream }) => ({
  transparentHttp: ['127.0.0.1:0'],
  connectTo: [
    `plain.example.test::127.0.0.1:${upstream.port}`,
    `allowed.example.test::127.0.0.1:${upstream.port}`,
  ],
}));

const second: Record<string, string> = {
  'plain HTTP to a denied name':
    'GET http://evil.example.test/allowed/x HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
  'a websocket upgrade to a denied name':
    'GET http://evil.example.test/socket HTTP/1.1\r\nHost: plain.example.test\r\nConnection: Upgrade\r\n' +
    'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  'CONNECT to a denied name': 'CONNECT evil.example.test:443 HTTP/1.1\r\nHost: evil.example.test:443\r\n\r\n',
};

describe('explicit proxy: the second request on a kept-alive connection', () => {
  it.each(Object.entries(second))('%s is denied', async (_what, request) => {
    const before = fx.gate.lines.length;
    const first = 'GET http://plain.example.test/allowed/1 HTTP/1.1\r\nHost: plain.example.test\r\n\r\n';
    const reply = (await rawExchange(fx.gate.addresses.listen.port, first + request)).toString('latin1');
    expect(reply).toMatch(
      /^HTTP\/1\.1 200 OK[\s\S]*hello from plain GET \/allowed\/1 [\s\S]*HTTP\/1\.1 403 /,
    );
    const decisions = fx.gate.lines.slice(before).filter((l) => l['msg'] === 'decision');
    expect(decisions.map((l) => [l['host'], l['decision']])).toEqual([
      ['plain.example.test', 'allow'],
      ['evil.example.test', 'deny'],
    ]);
  });

  it('an allowed CONNECT behind a GET is answered after the GET, never inside its answer', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect({ host: '127.0.0.1', port: fx.gate.addresses.listen.port }, () =>
        socket.write(
          'GET http://plain.example.test/allowed/1 HTTP/1.1\r\nHost: plain.example.test\r\n\r\n' +
            'CONNECT allowed.example.test:443 HTTP/1.1\r\nHost: allowed.example.test:443\r\n\r\n',
        ),
      );
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (text.includes('Connection Established\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.once('error', reject);
    });
    expect(reply).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n0\r\n\r\nHTTP\/1\.1 200 Connection Established\r\n\r\n$/,
    );
  });
});

describe('transparent HTTP: the second request on a kept-alive connection', () => {
  it('with another Host is decided on that Host and denied', async () => {
    const before = fx.upstream.connections();
    const reply = (
      await rawExchange(
        fx.gate.addresses.transparentHttp[0]?.port ?? 0,
        'GET /allowed/1 HTTP/1.1\r\nHost: plain.example.test\r\n\r\n' +
          'GET /allowed/2 HTTP/1.1\r\nHost: evil.example.test\r\nConnection: close\r\n\r\n',
      )
    ).toString('latin1');
    expect(reply).toMatch(/hello from plain GET \/allowed\/1 [\s\S]*HTTP\/1\.1 403 /);
    expect(reply).not.toContain('/allowed/2');
    expect(fx.upstream.connections() - before).toBe(1);
  });
});

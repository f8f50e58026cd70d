import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// What egressgate decides on must be what the upstream acts on: the name (Host) and the path.
let explicitPort: number;
let transparentPort: number;

const fx = useGate({ upstream: () => startHttpUpstream('plain') }, ({ upstream }) => ({
  transparentHttp: ['127.0.0.1:0'],
  connectTo: [
    `plain.example.test::127.0.0.1:${upstream.port}`,
    `ws.example.test::127.0.0.1:${upstream.port}`,
  ],
}));

beforeAll(() => {
  explicitPort = fx.gate.addresses.listen.port;
  transparentPort = fx.gate.addresses.transparentHttp[0]?.port ?? 0;
});

/** Sends `data` and resolves with the first chunk of the answer, then hangs up. */
function firstAnswer(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(data));
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('latin1'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('explicit proxy: the Host the upstream sees is the host that was decided', () => {
  it.each([
    ['a different name', 'evil.example.test', 'plain.example.test'],
    ['the admin address', '127.0.0.1:9090', 'plain.example.test'],
  ])('absolute URI with a Host header naming %s', async (_what, sent, expected) => {
    const reply = await rawExchange(
      explicitPort,
      `GET http://plain.example.test/allowed/x HTTP/1.1\r\nHost: ${sent}\r\nConnection: close\r\n\r\n`,
    );
    expect(parseRawResponse(reply).status).toBe(200);
    // RFC 9112 §3.2.2: a proxy MUST replace Host with the absolute URI's authority.
    expect(fx.upstream.lastHeaders()?.host).toBe(expected);
  });

  it('a request without Host gets the absolute URI authority, port included', async () => {
    await rawExchange(
      explicitPort,
      'GET http://PLAIN.example.test:8080/allowed/x HTTP/1.1\r\nConnection: close\r\n\r\n',
    );
    expect(fx.upstream.lastHeaders()?.host).toBe('plain.example.test:8080');
  });

  it('a websocket upgrade with a Host header naming another name', async () => {
    const answer = await firstAnswer(
      explicitPort,
      'GET http://ws.example.test/socket HTTP/1.1\r\nHost: evil.example.test\r\nConnection: Upgrade\r\n' +
        'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    expect(fx.upstream.lastHeaders()?.host).toBe('ws.example.test');
  });
});

describe('a Connection header cannot strip the Host field', () => {
  it.each([
    ['explicit', 'GET http://plain.example.test/allowed/x HTTP/1.1\r\n'],
    ['transparent', 'GET /allowed/x HTTP/1.1\r\nHost: plain.example.test\r\n'],
  ])('%s: Connection: host', async (listener, head) => {
    const port = listener === 'explicit' ? explicitPort : transparentPort;
    const reply = await rawExchange(port, `${head}Connection: host, close\r\n\r\n`);
    expect(parseRawResponse(reply).status).toBe(200);
    // Without Host a shared front end answers from its default site, which no rule named.
    expect(fx.upstream.lastHeaders()?.host).toBe('plain.example.test');
  });
});

describe('transparent HTTP: the path that was decided is the path that is forwarded', () => {
  it.each([
    '/allowed/../secret',
    '/allowed/%2e%2e/secret',
    '/allowed/.%2E/secret',
    '/allowed/x/../../secret',
  ])('%s is decided (and denied) as /secret', async (target) => {
    const before = fx.upstream.connections();
    const reply = await rawExchange(
      transparentPort,
      `GET ${target} HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n`,
    );
    const res = parseRawResponse(reply);
    expect(res.status).toBe(403);
    expect(res.headers['proxy-status']).toContain('path_not_allowed');
    expect(fx.upstream.connections()).toBe(before);
  });

  it('an allowed path with dot segments reaches the upstream as the bytes that were decided', async () => {
    const reply = await rawExchange(
      transparentPort,
      'GET /other/../allowed/./x?sig=1 HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
    );
    // Every server reads it as /allowed/x; it is decided and forwarded as sent, never rewritten.
    expect(parseRawResponse(reply).body).toContain('hello from plain GET /other/../allowed/./x?sig=1 ');
    const line = await fx.gate.waitForLine(
      (l) =>
        l['msg'] === 'decision' &&
        l['listener'] === 'transparent-http' &&
        l['path'] === '/other/../allowed/./x',
    );
    expect(line['decision']).toBe('allow');
  });

  it('a request target starting with // stays a path on the same host', async () => {
    const reply = await rawExchange(
      transparentPort,
      'GET //evil.example.test/allowed/x HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
    );
    const res = parseRawResponse(reply);
    expect(res.status).toBe(403);
    expect(res.headers['proxy-status']).toContain('plain.example.test:80 path_not_allowed');
  });
});

describe('a path rule decides on the path a decoding server would resolve', () => {
  // nginx and others decode %2F, %5C and %2E before resolving dot segments: to them
  // /allowed/..%2Fsecret is /secret.
  it.each([
    ['explicit', '/allowed/..%2fsecret'],
    ['explicit', '/allowed/..%5Csecret'],
    ['explicit', '/allowed/%2e%2e%2fsecret'],
    ['transparent', '/allowed/..%2Fsecret'],
    ['transparent', '/allowed/x%2f..%2f..%2fsecret'],
  ])('%s: %s is denied', async (listener, path) => {
    const before = fx.upstream.connections();
    const request =
      listener === 'explicit'
        ? `GET http://plain.example.test${path} HTTP/1.1\r\nConnection: close\r\n\r\n`
        : `GET ${path} HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n`;
    const res = parseRawResponse(
      await rawExchange(listener === 'explicit' ? explicitPort : transparentPort, request),
    );
    expect(res.status).toBe(403);
    expect(res.headers['proxy-status']).toContain('path_not_allowed');
    expect(fx.upstream.connections()).toBe(before);
  });

  it('an encoded slash inside an allowed path still passes, forwarded as sent', async () => {
    const reply = await rawExchange(
      explicitPort,
      'GET http://plain.example.test/allowed/a%2Fb HTTP/1.1\r\nConnection: close\r\n\r\n',
    );
    expect(parseRawResponse(reply).body).toContain('hello from plain GET /allowed/a%2Fb ');
  });
});

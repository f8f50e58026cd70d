import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../support/raw-exchange.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

// A request hidden in the body of an allowed one must never reach an upstream undecided: either
// the framing is refused, or the hidden request is parsed (and decided) by egressgate itself.
const smuggled =
  'GET http://evil.example.test/smuggled HTTP/1.1\r\nHost: evil.example.test\r\nConnection: close\r\n\r\n';
const allowed = 'POST http://plain.example.test/allowed/ HTTP/1.1';
const variants: Record<string, string> = {
  'Content-Length and Transfer-Encoding': `${allowed}\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  'an unknown coding with Content-Length': `${allowed}\r\nContent-Length: 6\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`,
  'chunked not last': `${allowed}\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
  'two Content-Lengths': `${allowed}\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n`,
  'a Content-Length list': `${allowed}\r\nContent-Length: 0, 5\r\n\r\n`,
  'Transfer-Encoding folded': `${allowed}\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`,
  'a space before the colon': `${allowed}\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`,
  'a bare LF in a chunk extension': `${allowed}\r\nTransfer-Encoding: chunked\r\n\r\n5;x\n\r\nhello\r\n0\r\n\r\n`,
  'bare LF line ends': `${allowed.replace('\r\n', '\n')}\nContent-Length: 0\n\n`,
  'gzip, chunked': `${allowed}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
};

// The framing fields must reach the upstream whatever else the request says: without them a GET's
// body (the hidden request) is sent as bare bytes after the head, and the upstream parses it.
const chunked = (body: string): string => `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
const filler = Array.from({ length: 2000 }, (_, i) => `a${i % 10}:b\r\n`).join('');
const bodies: Record<string, (get: string, body: string) => string> = {
  'a chunked body': (get, body) => `${get}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(body)}`,
  'Connection naming Content-Length': (get, body) =>
    `${get}\r\nContent-Length: ${body.length}\r\nConnection: content-length\r\n\r\n${body}`,
  'Connection naming Transfer-Encoding': (get, body) =>
    `${get}\r\nTransfer-Encoding: chunked\r\nConnection: transfer-encoding\r\n\r\n${chunked(body)}`,
  'Transfer-Encoding after 2000 other header lines': (get, body) =>
    `${get}\r\n${filler}Transfer-Encoding: chunked\r\n\r\n${chunked(body)}`,
  'Content-Length after 2000 other header lines': (get, body) =>
    `${get}\r\n${filler}Content-Length: ${body.length}\r\n\r\n${body}`,
};

const urls: string[] = [];
let upstream: Server;
let gate: TestApp;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    urls.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  gate = await startTestApp({
    transparentHttp: ['127.0.0.1:0'],
    connectTo: [`plain.example.test::127.0.0.1:${port}`],
  });
});

afterAll(async () => {
  await gate.stop();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('request smuggling through the forward path', () => {
  it.each(Object.entries(variants))('%s', async (_name, request) => {
    urls.length = 0;
    const before = gate.lines.length;
    const reply = (await rawExchange(gate.addresses.listen.port, request + smuggled)).toString('latin1');
    expect(reply).toMatch(/^HTTP\/1\.1 (200|400) /);
    expect(urls.some((u) => u.includes('smuggled'))).toBe(false);
    const evil = gate.lines
      .slice(before)
      .filter((l) => l['msg'] === 'decision' && l['host'] === 'evil.example.test');
    expect(evil.every((l) => l['decision'] === 'deny')).toBe(true);
  });
});

describe('a body that carries a request stays a body', () => {
  const hidden = 'GET /smuggled HTTP/1.1\r\nHost: evil.example.test\r\n\r\n';
  it.each(
    Object.entries(bodies).flatMap(([name, build]) => [
      ...['GET', 'DELETE', 'OPTIONS'].map((method) => [
        `explicit, ${method}, ${name}`,
        'explicit',
        build(`${method} http://plain.example.test/allowed/ HTTP/1.1`, hidden),
      ]),
      ...['GET', 'DELETE', 'OPTIONS'].map((method) => [
        `transparent, ${method}, ${name}`,
        'transparent',
        build(`${method} /allowed/ HTTP/1.1\r\nHost: plain.example.test`, hidden),
      ]),
    ]),
  )('%s', async (_name, listener, request) => {
    urls.length = 0;
    const port =
      listener === 'explicit' ? gate.addresses.listen.port : (gate.addresses.transparentHttp[0]?.port ?? 0);
    // The client hangs up after its answer; the upstream has parsed whatever it was sent by then.
    const reply = (await rawExchange(port, request.replace('\r\n', '\r\nConnection: close\r\n'))).toString(
      'latin1',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 (200|400|431) /);
    expect(urls).not.toContain('/smuggled');
  });
});

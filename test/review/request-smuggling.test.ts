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
  gate = await startTestApp({ connectTo: [`plain.example.test::127.0.0.1:${port}`] });
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

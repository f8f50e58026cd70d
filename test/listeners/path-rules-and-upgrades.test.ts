import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeWebSocketAccept } from '../../src/listeners/check-upgrade-request.js';
import { describePathSpellings, type PathListener } from '../support/path-spelling-suite.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

// A backend that records each request head byte for byte, and answers websocket upgrades rightly
// or wrongly depending on the path (the behaviours issue 12 names).
interface Recorded {
  readonly target: string;
  readonly head: string;
}
const recorded: Recorded[] = [];
let backend: Server;
let gate: TestApp;
const sockets = new Set<Socket>();

const key = 'dGhlIHNhbXBsZSBub25jZQ==';
const afterTheSwitch = 'GET /secret HTTP/1.1\r\nHost: evil.example.test\r\n\r\n';

function answerUpgrade(target: string, socket: Socket, clientKey: string): void {
  const accept = computeWebSocketAccept(clientKey);
  const switching = 'HTTP/1.1 101 Switching Protocols\r\n';
  if (target === '/socket/wrong-accept') {
    socket.write(`${switching}Upgrade: websocket\r\nConnection: Upgrade\r\n`);
    socket.write(`Sec-WebSocket-Accept: ${computeWebSocketAccept('AAAAAAAAAAAAAAAAAAAAAA==')}\r\n\r\n`);
    socket.write(afterTheSwitch);
  } else if (target === '/socket/no-accept') {
    socket.write(`${switching}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n${afterTheSwitch}`);
  } else if (target === '/socket/h2c') {
    socket.write(
      `${switching}Upgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
  } else if (target === '/socket/bare-101') {
    socket.write(`${switching}\r\n${afterTheSwitch}`);
  } else if (target === '/socket/refused') {
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nX-Backend: yes\r\n\r\nno socket');
  } else {
    socket.write(
      `${switching}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    // Echoes raw bytes from here on: enough to see the relay carries both ways.
    socket.on('data', (chunk: Buffer) => socket.write(chunk));
  }
}

beforeAll(async () => {
  backend = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const head = buffered.slice(0, end);
      const target = head.split('\r\n')[0]?.split(' ')[1] ?? '';
      recorded.push({ target, head });
      const clientKey = /^sec-websocket-key: *(.*)$/im.exec(head)?.[1]?.trim();
      if (clientKey !== undefined) answerUpgrade(target, socket, clientKey);
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const port = (backend.address() as AddressInfo).port;
  gate = await startTestApp({
    transparentHttp: ['127.0.0.1:0'],
    connectTo: [`plain.example.test::127.0.0.1:${port}`, `ws.example.test::127.0.0.1:${port}`],
  });
});

afterAll(async () => {
  await gate.stop();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => backend.close(resolve));
});

const portOf = (listener: PathListener): number =>
  listener === 'explicit' ? gate.addresses.listen.port : (gate.addresses.transparentHttp[0]?.port ?? 0);

const requestHead = (listener: PathListener, host: string, target: string): string =>
  listener === 'explicit'
    ? `GET http://${host}${target} HTTP/1.1\r\n`
    : `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n`;

describePathSpellings('recording backend', () => ({
  prefix: '/allowed/',
  host: 'plain.example.test',
  listeners: ['explicit', 'transparent'],
  async send(listener, host, target) {
    const before = recorded.length;
    const reply = await rawExchange(
      portOf(listener),
      `${requestHead(listener, host, target)}Connection: close\r\n\r\n`,
    );
    const res = parseRawResponse(reply);
    return {
      status: res.status,
      proxyStatus: res.headers['proxy-status'] ?? '',
      received: recorded.length > before ? (recorded.at(-1)?.target ?? null) : null,
    };
  },
}));

describe('a prefix without a trailing slash ends at a segment boundary', () => {
  it.each([
    ['/socket', 200],
    ['/socket/', 200],
    ['/socket?x=1', 200],
    ['/socketEVIL', 403],
    ['/socket.evil', 403],
    ['/socket;x', 403],
  ])('%s: %i', async (target, status) => {
    const reply = await rawExchange(
      portOf('explicit'),
      `GET http://plain.example.test${target} HTTP/1.1\r\nConnection: close\r\n\r\n`,
    );
    expect(parseRawResponse(reply).status).toBe(status);
  });
});

const upgradeFields = `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n`;

/** Sends an upgrade, optionally a frame's worth of bytes once switched, and collects until close. */
function upgradeExchange(listener: PathListener, target: string, fields = upgradeFields): Promise<string> {
  return rawExchange(
    portOf(listener),
    `${requestHead(listener, 'ws.example.test', target)}${fields}\r\n`,
  ).then((b) => b.toString('latin1'));
}

describe.each(['explicit', 'transparent'] as const)('%s: websocket upgrades are verified', (listener) => {
  it.each([
    ['a wrong Sec-WebSocket-Accept', '/socket/wrong-accept'],
    ['no Sec-WebSocket-Accept', '/socket/no-accept'],
    ['Upgrade: h2c in the 101', '/socket/h2c'],
    ['a 101 without Upgrade and Connection', '/socket/bare-101'],
  ])('%s: 502, both sides closed, upstream_protocol_error', async (_what, target) => {
    const answer = await upgradeExchange(listener, target);
    const res = parseRawResponse(Buffer.from(answer, 'latin1'));
    expect(res.status).toBe(502);
    expect(res.headers['proxy-status']).toContain('error=http_protocol_error');
    // Nothing the upstream sent after its 101 reached the client.
    expect(answer).not.toMatch(/^HTTP\/1\.1 101/m);
    expect(answer).not.toContain('/secret');
    const logged = listener === 'explicit' ? 'explicit' : 'transparent-http';
    const decision = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['path'] === target && l['listener'] === logged,
    );
    const close = await gate.waitForLine((l) => l['msg'] === 'close' && l['conn'] === decision['conn']);
    expect(close['closeReason']).toBe('upstream_protocol_error');
  });

  it('a right handshake switches and relays both ways', async () => {
    const client = connect({ host: '127.0.0.1', port: portOf(listener) });
    client.on('error', () => undefined);
    let text = '';
    client.on('data', (c: Buffer) => (text += c.toString('latin1')));
    client.write(`${requestHead(listener, 'ws.example.test', '/socket')}${upgradeFields}\r\n`);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (text.includes('\r\n\r\n')) {
          client.off('data', check);
          resolve();
        }
      };
      client.on('data', check);
    });
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    expect(text.toLowerCase()).toContain(
      `sec-websocket-accept: ${computeWebSocketAccept(key).toLowerCase()}`,
    );
    client.write('raw bytes after the switch');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (text.includes('raw bytes after the switch')) resolve();
      };
      client.on('data', check);
      check();
    });
    client.destroy();
  });

  it('a refusal from the upstream is relayed, then the connection closes', async () => {
    const answer = await upgradeExchange(listener, '/socket/refused');
    const res = parseRawResponse(Buffer.from(answer, 'latin1'));
    expect(res.status).toBe(403);
    expect(res.headers['x-backend']).toBe('yes');
    expect(res.body).toBe('no socket');
  });

  it.each([
    [
      'h2c',
      'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n',
      501,
    ],
    ['TLS/1.0', 'Connection: Upgrade\r\nUpgrade: TLS/1.0\r\n', 501],
    ['websocket and something else', 'Connection: Upgrade\r\nUpgrade: websocket, h2c\r\n', 501],
    [
      'a websocket without a key',
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n',
      400,
    ],
    ['a websocket with a body', `${upgradeFields}Content-Length: 5\r\n`, 400],
  ])('%s: answered with a reason, nothing forwarded', async (_what, fields, status) => {
    const before = recorded.length;
    const res = parseRawResponse(Buffer.from(await upgradeExchange(listener, '/socket', fields), 'latin1'));
    expect(res.status).toBe(status);
    expect(res.body).toMatch(/^egressgate: .*(websocket|body)/);
    expect(res.headers['proxy-status']).toContain('http_request_error');
    expect(recorded.length).toBe(before);
  });

  it('a refused upgrade pipelined behind a request is answered after it', async () => {
    const first = `${requestHead(listener, 'plain.example.test', '/allowed/first')}\r\n`;
    const upgrade = `${requestHead(listener, 'plain.example.test', '/allowed/x')}Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n`;
    const text = (await rawExchange(portOf(listener), first + upgrade)).toString('latin1');
    expect(text.indexOf('HTTP/1.1 200 ')).toBe(0);
    expect(text.indexOf('HTTP/1.1 501 ')).toBeGreaterThan(0);
  });

  it('a POST upgrade gets a 400', async () => {
    const head = requestHead(listener, 'ws.example.test', '/socket').replace(/^GET/, 'POST');
    const before = recorded.length;
    const res = parseRawResponse(await rawExchange(portOf(listener), `${head}${upgradeFields}\r\n`));
    expect(res.status).toBe(400);
    expect(res.body).toContain('must be a GET');
    expect(recorded.length).toBe(before);
  });

  it.each(['/socket/..;/secret', '/socket/..%2fsecret', '/socketEVIL', '/socket/%252e%252e/secret'])(
    'an upgrade to %s is decided on every reading of its path: 403',
    async (target) => {
      const before = recorded.length;
      const res = parseRawResponse(Buffer.from(await upgradeExchange(listener, target), 'latin1'));
      expect(res.status).toBe(403);
      expect(res.headers['proxy-status']).toContain('path_not_allowed');
      expect(recorded.length).toBe(before);
    },
  );

  it('an allowed upgrade reaches the backend with the request target as sent', async () => {
    const client = connect({ host: '127.0.0.1', port: portOf(listener) });
    client.on('error', () => undefined);
    const before = recorded.length;
    client.write(
      `${requestHead(listener, 'ws.example.test', '/socket//a;x=1/%2e/b?q=..%2f')}${upgradeFields}\r\n`,
    );
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    client.destroy();
    expect(recorded.slice(before).map((r) => r.target)).toEqual(['/socket//a;x=1/%2e/b?q=..%2f']);
  });
});

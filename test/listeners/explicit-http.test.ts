import { request } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyAgent, request as undiciRequest, WebSocket as UndiciWebSocket } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { runCommand } from '../support/run-command.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';
import { maskedTextFrame, readServerTextFrame, upgradeHeaders } from '../support/websocket-frames.js';

let proxyUrl: string;
let proxyPort: number;

const fx = useGate({ upstream: () => startHttpUpstream('origin') }, ({ upstream }) => ({
  connectTo: [`::127.0.0.1:${upstream.port}`],
  limits: { maxHeaderBytes: 4096 },
}));

beforeAll(() => {
  proxyPort = fx.gate.addresses.listen.port;
  proxyUrl = `http://127.0.0.1:${proxyPort}`;
});

describe('explicit absolute-URI HTTP', () => {
  it('forwards an allowed request with curl -x, in origin form, without proxy headers', async () => {
    const result = await runCommand('curl', [
      '-sS',
      '-i',
      '-x',
      proxyUrl,
      '-H',
      'Proxy-Authorization: Basic dXNlcjpwYXNz',
      '-H',
      'X-Private: secret',
      '-H',
      'Connection: X-Private',
      '-H',
      'X-Kept: yes',
      'http://plain.example.test/allowed/x?q=1',
    ]);
    expect(result.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(result.stdout).toContain('hello from origin GET /allowed/x?q=1 body=');
    expect(result.stdout.toLowerCase()).not.toContain('keep-alive: timeout');
    const headers = fx.upstream.lastHeaders() ?? {};
    expect(headers['host']).toBe('plain.example.test');
    expect(headers['x-kept']).toBe('yes');
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers['proxy-connection']).toBeUndefined();
    expect(headers['x-private']).toBeUndefined();
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['path'] === '/allowed/x');
    expect(line).toMatchObject({ decision: 'allow', kind: 'http', host: 'plain.example.test', port: 80 });
  });

  it('forwards a request body', async () => {
    const result = await runCommand('curl', [
      '-sS',
      '-x',
      proxyUrl,
      '--data',
      'payload=1',
      'http://plain.example.test:8080/allowed/post',
    ]);
    expect(result.stdout).toBe('hello from origin POST /allowed/post body=payload=1');
  });

  it('works with undici ProxyAgent', async () => {
    const dispatcher = new ProxyAgent({ uri: proxyUrl, proxyTunnel: false });
    const res = await undiciRequest('http://plain.example.test/allowed/undici', { dispatcher });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('hello from origin GET /allowed/undici body=');
    await dispatcher.close();
  });

  it('denies a path outside the rule with 403 and never dials', async () => {
    const before = fx.upstream.connections();
    const result = await runCommand('curl', [
      '-sS',
      '-i',
      '-x',
      proxyUrl,
      'http://plain.example.test/secret',
    ]);
    expect(result.stdout).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(result.stdout).toMatch(
      /Proxy-Status: egressgate; error=http_request_denied; details="plain\.example\.test:80 path_not_allowed/i,
    );
    expect(result.stdout).toContain('path_not_allowed');
    expect(fx.upstream.connections()).toBe(before);
  });

  it('answers origin-form requests with 400 and does not serve the admin API', async () => {
    for (const path of ['/', '/metrics', '/healthz']) {
      const res = parseRawResponse(
        await rawExchange(proxyPort, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      );
      expect(res.status).toBe(400);
      expect(res.body).toContain('forward proxy');
    }
  });

  it('answers oversized headers with 431', async () => {
    const big = 'x'.repeat(8000);
    const res = parseRawResponse(
      await rawExchange(
        proxyPort,
        `GET http://plain.example.test/allowed/ HTTP/1.1\r\nX-Big: ${big}\r\n\r\n`,
      ),
    );
    expect(res.status).toBe(431);
  });

  it('upgrades a websocket sent as an absolute URI', async () => {
    const { socket, status } = await new Promise<{ socket: Socket; status: number }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: proxyPort,
        path: 'http://ws.example.test/socket',
        headers: { ...upgradeHeaders, Host: 'ws.example.test' },
      });
      req.on('upgrade', (res, s) => resolve({ socket: s, status: res.statusCode ?? 0 }));
      req.on('response', (res) => resolve({ socket: res.socket, status: res.statusCode ?? 0 }));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(101);
    socket.write(maskedTextFrame('ping over upgrade'));
    const echoed = await new Promise<string>((resolve) => {
      let data = Buffer.alloc(0);
      socket.on('data', (c: Buffer) => {
        data = Buffer.concat([data, c]);
        const text = readServerTextFrame(data);
        if (text !== null) resolve(text);
      });
    });
    expect(echoed).toBe('ping over upgrade');
    socket.destroy();
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'close' && l['host'] === 'ws.example.test');
    expect(line['bytesIn']).toBeGreaterThan(0);
  });
});

describe('explicit websocket clients', () => {
  it('carries a real websocket client (undici WebSocket, absolute-URI upgrade)', async () => {
    const dispatcher = new ProxyAgent({ uri: proxyUrl, proxyTunnel: false });
    const ws = new UndiciWebSocket('ws://ws.example.test/socket', { dispatcher });
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.onopen = () => ws.send('undici over an absolute-URI upgrade');
      ws.onmessage = (event) => resolve(String(event.data));
      ws.onerror = () => reject(new Error('websocket failed'));
    });
    expect(echoed).toBe('undici over an absolute-URI upgrade');
    ws.close();
    await dispatcher.close();
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['kind'] === 'upgrade');
    expect(line).toMatchObject({ host: 'ws.example.test', path: '/socket', decision: 'allow' });
  });
});

describe('explicit HTTP limits and dial errors', () => {
  it('closes a client whose headers are too slow with 408', async () => {
    const slow = await startTestApp({ limits: { headersTimeoutMs: 300 } });
    try {
      const res = parseRawResponse(
        await rawExchange(
          slow.addresses.listen.port,
          'GET http://plain.example.test/allowed/ HTTP/1.1\r\nX-A: 1\r\n',
        ),
      );
      expect(res.status).toBe(408);
    } finally {
      await slow.stop();
    }
  });

  it('answers 502 connection_refused when the upstream is down', async () => {
    const down = await startHttpUpstream();
    await down.close();
    const gate2 = await startTestApp({ connectTo: [`::127.0.0.1:${down.port}`] });
    try {
      const result = await runCommand('curl', [
        '-sS',
        '-i',
        '-x',
        `http://127.0.0.1:${gate2.addresses.listen.port}`,
        'http://plain.example.test/allowed/',
      ]);
      expect(result.stdout).toMatch(/^HTTP\/1\.1 502/);
      expect(result.stdout).toMatch(/Proxy-Status: egressgate; error=connection_refused/i);
    } finally {
      await gate2.stop();
    }
  });
});

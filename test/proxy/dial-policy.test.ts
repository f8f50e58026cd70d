import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { testCa } from '../support/make-certs.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { runCommand } from '../support/run-command.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startHttpsUpstream, type Upstream } from '../support/start-upstream.js';

let gate: TestApp;
let upstream: Upstream;
let caFile: string;

beforeAll(async () => {
  // No --connect-to: names go through the test resolver, as they would through DNS.
  gate = await startTestApp();
  upstream = await startHttpsUpstream(['management.azure.com']);
  caFile = join(mkdtempSync(join(tmpdir(), 'egressgate-')), 'ca.pem');
  writeFileSync(caFile, testCa().certPem);
});

afterAll(async () => {
  await gate.stop();
  await upstream.close();
});

async function connectTo(port: number, target: string): Promise<ReturnType<typeof parseRawResponse>> {
  return parseRawResponse(await rawExchange(port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
}

describe('dialing', () => {
  it('refuses a name that resolves to a private address (private_address)', async () => {
    const res = await connectTo(gate.addresses.listen.port, 'private.example.test:443');
    expect(res.status).toBe(403);
    expect(res.body).toContain('private_address');
    const line = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'private.example.test',
    );
    expect(line).toMatchObject({ decision: 'deny', reason: 'private_address', dialed: null });
  });

  it('dials a private address that a CIDR rule names', async () => {
    // 127.0.0.3/32 is allowed by rule loopback-cidr; nothing listens there, so the dial is refused.
    const res = await connectTo(gate.addresses.listen.port, 'loopback.example.test:443');
    expect(res.status).toBe(502);
    expect(res.headers['proxy-status']).toMatch(/^egressgate; error=connection_refused/);
    const line = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'loopback.example.test',
    );
    expect(line).toMatchObject({ decision: 'allow', rule: 'private-named', dialError: 'connection_refused' });
  });

  it('answers 502 dns_error when the name does not resolve', async () => {
    const res = await connectTo(gate.addresses.listen.port, 'allowed.example.test:443');
    expect(res.status).toBe(502);
    expect(res.headers['proxy-status']).toMatch(/^egressgate; error=dns_error/);
  });

  it('denies an IP literal that no CIDR rule names', async () => {
    const res = await connectTo(gate.addresses.listen.port, '127.0.0.1:443');
    expect(res.status).toBe(403);
    expect(res.body).toContain('ip_literal');
  });

  it('refuses a mapping that points back at egressgate (loop)', async () => {
    const port = await freePort();
    const looping = await startTestApp({
      listen: `127.0.0.1:${port}`,
      connectTo: [`management.azure.com:443:127.0.0.1:${port}`],
    });
    try {
      const res = await connectTo(port, 'management.azure.com:443');
      expect(res.status).toBe(403);
      expect(res.body).toContain('loop');
    } finally {
      await looping.stop();
    }
  });

  it('answers 503 destination_unavailable when the upstream proxy refuses the CONNECT', async () => {
    const parent = await startTestApp({ allowClients: ['10.99.0.0/16'] });
    const child = await startTestApp({ upstreamProxy: `http://127.0.0.1:${parent.addresses.listen.port}` });
    try {
      const res = await connectTo(child.addresses.listen.port, 'management.azure.com:443');
      expect(res.status).toBe(503);
      expect(res.headers['proxy-status']).toMatch(
        /^egressgate; error=destination_unavailable; details=".*403/,
      );
    } finally {
      await child.stop();
      await parent.stop();
    }
  });

  it('sends allowed traffic on through an upstream proxy, and denied traffic nowhere', async () => {
    const parent = await startTestApp({ connectTo: [`management.azure.com:443:127.0.0.1:${upstream.port}`] });
    const child = await startTestApp({ upstreamProxy: `http://127.0.0.1:${parent.addresses.listen.port}` });
    try {
      const proxy = `http://127.0.0.1:${child.addresses.listen.port}`;
      const ok = await runCommand('curl', [
        '-sS',
        '-x',
        proxy,
        '--cacert',
        caFile,
        'https://management.azure.com/parent',
      ]);
      expect(ok.stdout).toBe('hello from management.azure.com GET /parent body=');
      expect(await parent.waitForLine((l) => l['msg'] === 'decision')).toMatchObject({
        host: 'management.azure.com',
        decision: 'allow',
      });
      const denied = await connectTo(child.addresses.listen.port, 'denied.example.test:443');
      expect(denied.status).toBe(403);
      expect(parent.lines.filter((l) => l['host'] === 'denied.example.test')).toEqual([]);
      const close = await child.waitForLine(
        (l) => l['msg'] === 'close' && l['host'] === 'management.azure.com',
      );
      expect(close['bytesOut']).toBeGreaterThan(0);
    } finally {
      await child.stop();
      await parent.stop();
    }
  });
});

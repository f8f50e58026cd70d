import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketAddress } from '../../src/egress-request.js';
import { buildClientHello } from '../net/client-hello-builder.js';
import { testCa } from '../support/make-certs.js';
import { parseRawResponse } from '../support/raw-exchange.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import {
  startHttpUpstream,
  startHttpsUpstream,
  startTcpUpstream,
  type Upstream,
} from '../support/start-upstream.js';

// Documentation addresses stand for the servers the client meant to reach; --connect-to maps each
// onto a local upstream, so nothing leaves the machine and only the policy decides.
const profile = `name: tcp-test
description: transparent-tcp tests
sources: [{ id: '000', title: test }]
rules:
  - id: tls-named
    hosts: ['allowed.example.test']
    ports: [443]
    provenance: { document: '000' }
  - id: http-named
    hosts: ['plain.example.test']
    ports: [80]
    paths: ['/allowed/']
    provenance: { document: '000' }
  - id: git-cidr
    cidrs: ['192.0.2.10/32']
    ports: [9418]
    provenance: { document: '000' }
  - id: smtp-cidr
    cidrs: ['192.0.2.25/32']
    ports: [25]
    provenance: { document: '000' }
  - id: tls-cidr
    cidrs: ['192.0.2.30/32']
    ports: [443]
    provenance: { document: '000' }
`;

let tlsUpstream: Upstream;
let httpUpstream: Upstream;
let lineUpstream: Upstream;
let greeter: Upstream;
let enforce: TestApp;
let report: TestApp;
/** The original destination the next connection reports, as iptables REDIRECT would. */
let original: SocketAddress | null = null;
const lineReceived: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'egressgate-tcp-'));
  writeFileSync(join(dir, 'tcp-test.yaml'), profile);
  tlsUpstream = await startHttpsUpstream(['allowed.example.test']);
  httpUpstream = await startHttpUpstream('origin');
  // A line protocol: answers each line it receives, then closes when the client does.
  lineUpstream = await startTcpUpstream((socket) => {
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('end', () => {
      lineReceived.push(text);
      socket.end(`line-upstream got ${JSON.stringify(text)}`);
    });
  });
  // A server-first protocol (SMTP-like): it greets before the client says anything.
  greeter = await startTcpUpstream((socket) => {
    socket.write('220 greeter ready\r\n');
    socket.on('data', () => {
      if (!socket.writableEnded) socket.end('221 bye\r\n');
    });
    socket.on('end', () => {
      if (!socket.writableEnded) socket.end();
    });
  });
  const config = {
    policies: dir,
    profiles: ['tcp-test'],
    transparentTcp: ['127.0.0.1:0'],
    transparentTls: ['127.0.0.1:0'],
    limits: { peekTimeoutMs: 300, helloTimeoutMs: 2_000, headersTimeoutMs: 600 },
    connectTo: [
      `:443:127.0.0.1:${tlsUpstream.port}`,
      `:80:127.0.0.1:${httpUpstream.port}`,
      `:9418:127.0.0.1:${lineUpstream.port}`,
      `:25:127.0.0.1:${greeter.port}`,
    ],
  };
  const deps = { readOriginalDestination: () => original };
  enforce = await startTestApp(config, deps);
  report = await startTestApp({ ...config, mode: 'report' }, deps);
});

afterAll(async () => {
  await enforce?.stop();
  await report?.stop();
  await Promise.all([tlsUpstream, httpUpstream, lineUpstream, greeter].map((u) => u?.close()));
});

function tcpPort(gate: TestApp): number {
  return gate.addresses.transparentTcp[0]?.port ?? 0;
}

/** Connects as a redirected client would, sends `data` (nothing: a server-first client), reads to the end. */
function exchange(
  gate: TestApp,
  to: SocketAddress,
  data: string | Buffer | null,
  port = tcpPort(gate),
): Promise<string> {
  original = to;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port, allowHalfOpen: false });
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      // A server-first client answers the greeting, as SMTP's QUIT would.
      if (data === null && text.includes('220 ')) socket.write('QUIT\r\n');
    });
    socket.on('close', () => resolve(text));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? resolve(text) : reject(err),
    );
    // An HTTP client keeps its side open for the answer (Node's HTTP server ends on a half-close).
    const http = typeof data === 'string' && data.includes(' HTTP/1.1\r\n');
    if (data !== null) socket.once('connect', () => (http ? socket.write(data) : socket.end(data)));
    socket.setTimeout(10_000, () => socket.destroy(new Error('exchange timed out')));
  });
}

function decisionAt(gate: TestApp, origDst: string): Promise<Record<string, unknown>> {
  return gate.waitForLine((l) => l['msg'] === 'decision' && l['origDst'] === origDst);
}

describe('transparent TCP listener', () => {
  it('decides a ClientHello on its SNI and completes the real handshake', async () => {
    original = { address: '192.0.2.1', port: 443 };
    const tls = tlsConnect({
      host: '127.0.0.1',
      port: tcpPort(enforce),
      servername: 'allowed.example.test',
      ca: testCa().certPem,
    });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    tls.end('GET /tls HTTP/1.1\r\nHost: allowed.example.test\r\nConnection: close\r\n\r\n');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      tls.on('data', (c: Buffer) => (text += c.toString()));
      tls.on('end', () => resolve(text));
    });
    expect(answer).toContain('hello from allowed.example.test GET /tls');
    expect(await decisionAt(enforce, '192.0.2.1:443')).toMatchObject({
      listener: 'transparent-tcp',
      kind: 'tls',
      decision: 'allow',
      rule: 'tls-named',
      sni: 'allowed.example.test',
    });
  });

  it('decides an HTTP request on its Host and path, through the HTTP listener', async () => {
    const allowed = await exchange(
      enforce,
      { address: '192.0.2.2', port: 80 },
      'GET /allowed/x HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
    );
    expect(parseRawResponse(Buffer.from(allowed, 'latin1')).body).toContain(
      'hello from origin GET /allowed/x',
    );
    expect(await decisionAt(enforce, '192.0.2.2:80')).toMatchObject({
      listener: 'transparent-tcp',
      kind: 'http',
      decision: 'allow',
      host: 'plain.example.test',
      path: '/allowed/x',
    });
    const denied = await exchange(
      enforce,
      { address: '192.0.2.3', port: 80 },
      'GET /other HTTP/1.1\r\nHost: plain.example.test\r\nConnection: close\r\n\r\n',
    );
    expect(parseRawResponse(Buffer.from(denied, 'latin1')).status).toBe(403);
    expect(await decisionAt(enforce, '192.0.2.3:80')).toMatchObject({
      decision: 'deny',
      reason: 'path_not_allowed',
    });
  });

  it('decides a line protocol on the original address and port against CIDR rules', async () => {
    const before = lineUpstream.connections();
    const answer = await exchange(
      enforce,
      { address: '192.0.2.10', port: 9418 },
      '0032git-upload-pack /repo\0host=x\0',
    );
    expect(answer).toBe('line-upstream got "0032git-upload-pack /repo\\u0000host=x\\u0000"');
    expect(await decisionAt(enforce, '192.0.2.10:9418')).toMatchObject({
      listener: 'transparent-tcp',
      kind: 'tcp',
      host: '192.0.2.10',
      port: 9418,
      decision: 'allow',
      rule: 'git-cidr',
    });
    const denied = await exchange(enforce, { address: '192.0.2.11', port: 9418 }, '0032git-upload-pack /x\0');
    expect(denied).toBe('');
    expect(lineUpstream.connections()).toBe(before + 1);
    expect(await decisionAt(enforce, '192.0.2.11:9418')).toMatchObject({
      kind: 'tcp',
      decision: 'deny',
      reason: 'ip_literal',
    });
  });

  it('decides a client that waits for the server (server-first) after the peek timeout', async () => {
    const answer = await exchange(enforce, { address: '192.0.2.25', port: 25 }, null);
    expect(answer).toBe('220 greeter ready\r\n221 bye\r\n');
    expect(await decisionAt(enforce, '192.0.2.25:25')).toMatchObject({
      kind: 'tcp',
      decision: 'allow',
      rule: 'smtp-cidr',
    });
    const before = greeter.connections();
    expect(await exchange(enforce, { address: '192.0.2.26', port: 25 }, null)).toBe('');
    expect(greeter.connections()).toBe(before);
    const lines = enforce.lines.filter((l) => l['msg'] === 'decision' && l['origDst'] === '192.0.2.26:25');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ decision: 'deny', reason: 'ip_literal', kind: 'tcp' });
  });

  it('falls back to CIDR rules for a ClientHello without SNI, on both TLS listeners', async () => {
    const hello = buildClientHello({});
    for (const gatePort of [tcpPort(enforce), enforce.addresses.transparentTls[0]?.port ?? 0]) {
      const before = tlsUpstream.connections();
      await exchange(enforce, { address: '192.0.2.30', port: 443 }, hello, gatePort);
      expect(tlsUpstream.connections()).toBe(before + 1);
      await exchange(enforce, { address: '192.0.2.31', port: 443 }, hello, gatePort);
      expect(tlsUpstream.connections()).toBe(before + 1);
    }
    const at = (dst: string): Record<string, unknown>[] =>
      enforce.lines.filter((l) => l['msg'] === 'decision' && l['origDst'] === dst);
    expect(at('192.0.2.30:443').map((l) => [l['listener'], l['decision'], l['rule']])).toEqual([
      ['transparent-tcp', 'allow', 'tls-cidr'],
      ['transparent-tls', 'allow', 'tls-cidr'],
    ]);
    expect(at('192.0.2.31:443').map((l) => [l['listener'], l['decision'], l['reason']])).toEqual([
      ['transparent-tcp', 'deny', 'no_sni'],
      ['transparent-tls', 'deny', 'no_sni'],
    ]);
  });

  it('in report mode carries every denied connection to its original destination', async () => {
    const line = await exchange(report, { address: '192.0.2.12', port: 9418 }, 'hello\n');
    expect(line).toBe('line-upstream got "hello\\n"');
    expect(await exchange(report, { address: '192.0.2.27', port: 25 }, null)).toContain('220 greeter ready');
    const before = tlsUpstream.connections();
    await exchange(report, { address: '192.0.2.32', port: 443 }, buildClientHello({}));
    expect(tlsUpstream.connections()).toBe(before + 1);
    for (const [dst, reason] of [
      ['192.0.2.12:9418', 'ip_literal'],
      ['192.0.2.27:25', 'ip_literal'],
      ['192.0.2.32:443', 'no_sni'],
    ] as const) {
      const decision = await decisionAt(report, dst);
      expect(decision).toMatchObject({ decision: 'report', reason, mode: 'report' });
      expect(decision['dialed']).toMatch(/^127\.0\.0\.1:\d+$/);
    }
  });

  it("keeps the HTTP listener's header timeout for a request that never completes (408)", async () => {
    const answer = await exchange(
      enforce,
      { address: '192.0.2.4', port: 80 },
      'GET /allowed/slow HTTP/1.1\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('refuses a connection that was not redirected (no original destination)', async () => {
    const seen = await exchange(enforce, null as unknown as SocketAddress, 'x');
    expect(seen).toBe('');
    const line = await enforce.waitForLine(
      (l) =>
        l['msg'] === 'decision' && l['reason'] === 'invalid_target' && l['listener'] === 'transparent-tcp',
    );
    expect(line).toMatchObject({ decision: 'deny', origDst: null, kind: 'tcp' });
  });
});

import { connect, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import {
  createExplicitHttpServer,
  createExplicitListener,
} from '../../src/listeners/create-explicit-listener.js';
import type { ListenerOptions } from '../../src/listeners/listener-options.js';
import { createDialer } from '../../src/net/create-dialer.js';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { createRecorder } from '../../src/observe/create-recorder.js';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { ActiveConnections } from '../../src/proxy/active-connections.js';
import type { EgressContext } from '../../src/proxy/egress-context.js';
import { closeServer, listenServer } from '../../src/net/listen-server.js';
import { loadPolicyState } from '../../src/proxy/policy-state.js';
import { captureLog } from '../observe/capture-log.js';
import { testPoliciesDir, testResolver } from '../support/start-test-app.js';
import { startHttpUpstream, startTcpUpstream, type Upstream } from '../support/start-upstream.js';
import { maskedTextFrame, readServerTextFrame, upgradeHeaders } from '../support/websocket-frames.js';

/**
 * The explicit port's CONNECT front against Node's HTTP server alone (the reference): the same
 * bytes in must give the same bytes out, and what the front hands over must still work.
 */
let echo: Upstream;
let web: Upstream;
let front: Server;
let reference: Server;
let frontPort: number;
let referencePort: number;
let log: ReturnType<typeof captureLog>;

const limits = { maxHeaderBytes: 2_048, headersTimeoutMs: 1_000 };

beforeAll(async () => {
  echo = await startTcpUpstream((s) => {
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  web = await startHttpUpstream('web');
  const settings = resolveSettings(
    {
      listen: '127.0.0.1:0',
      profiles: ['egress-test'],
      connectTo: [
        `allowed.example.test:443:127.0.0.1:${echo.port}`,
        `plain.example.test:80:127.0.0.1:${web.port}`,
        `ws.example.test:80:127.0.0.1:${web.port}`,
      ],
    },
    { defaultPoliciesDir: testPoliciesDir },
  );
  const state = await loadPolicyState(settings.groups, settings.policiesDir, loadPolicy);
  log = captureLog();
  const metrics = createMetrics(new Registry(), { deniedTopN: 5, defaultMetrics: false });
  let id = 0;
  const ctx: EgressContext = {
    policy: () => state,
    dialer: createDialer({
      resolver: testResolver,
      connectTo: settings.connectTo,
      upstreamProxy: null,
      connectTimeoutMs: 2_000,
      isOwnAddress: () => false,
    }),
    recorder: createRecorder({ logger: log.logger, metrics, denied: new DeniedTracker(100, Date.now) }),
    active: new ActiveConnections(1_000),
    now: () => performance.now(),
    newId: () => `c-${++id}`,
  };
  const options: ListenerOptions = {
    ...limits,
    helloTimeoutMs: 1_000,
    maxHelloBytes: 16_384,
    idleMs: 5_000,
    passwords: new Map([['alice', 's3cret']]),
  };
  front = createExplicitListener(ctx, options);
  reference = createExplicitHttpServer(ctx, options);
  frontPort = (await listenServer(front, '127.0.0.1', 0)).port;
  referencePort = (await listenServer(reference, '127.0.0.1', 0)).port;
});

afterAll(async () => {
  await Promise.all([closeServer(front, true), closeServer(reference, true)]);
  await echo.close();
  await web.close();
});

/** Writes the pieces (ending the request side when `end`), resolves with everything until close. */
function exchange(port: number, pieces: readonly (string | Buffer)[], end: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      void (async () => {
        for (const piece of pieces) {
          socket.write(piece);
          // Separate segments, so the front sees the head in pieces.
          await new Promise((r) => setTimeout(r, 5));
        }
        if (end) socket.end();
      })();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.setTimeout(5_000, () => {
      reject(new Error('no close within 5 s'));
      socket.destroy();
    });
  });
}

async function both(pieces: readonly (string | Buffer)[], end = true): Promise<[string, string]> {
  return Promise.all([exchange(frontPort, pieces, end), exchange(referencePort, pieces, end)]);
}

const target = 'allowed.example.test:443';

describe('the CONNECT front answers malformed input exactly as the HTTP server does', () => {
  it.each([
    [
      'oversized header section (431)',
      [`CONNECT ${target} HTTP/1.1\r\nX-Fill: ${'x'.repeat(3_000)}\r\n\r\n`],
    ],
    ['oversized request-target (431)', [`CONNECT ${'a'.repeat(3_000)}:443 HTTP/1.1\r\n\r\n`]],
    ['head cut short by FIN (400)', [`CONNECT ${target} HTTP/1.1\r\nX-a`]],
    ['method cut short by FIN (400)', ['CONN']],
    ['final CR then FIN (400)', [`CONNECT ${target} HTTP/1.1\r\n\r`]],
    ['nothing then FIN', []],
    ['space in a field name', [`CONNECT ${target} HTTP/1.1\r\nBad Name: x\r\n\r\n`]],
    ['obs-fold', [`CONNECT ${target} HTTP/1.1\r\nX-a: b\r\n folded\r\n\r\n`]],
    ['control byte in a value', [`CONNECT ${target} HTTP/1.1\r\nX-a: \u0001\r\n\r\n`]],
    ['bare LF line ends', [`CONNECT ${target} HTTP/1.1\n\n`]],
    ['bad Content-Length', [`CONNECT ${target} HTTP/1.1\r\nContent-Length: x\r\n\r\n`]],
    ['Transfer-Encoding', [`CONNECT ${target} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`]],
    ['two spaces', [`CONNECT  ${target} HTTP/1.1\r\n\r\n`]],
    ['HTTP/2.0', [`CONNECT ${target} HTTP/2.0\r\n\r\n`]],
    ['lower-case method', [`connect ${target} HTTP/1.1\r\n\r\n`]],
    ['CONNECTX method', [`CONNECTX ${target} HTTP/1.1\r\n\r\n`]],
    ['no port (400 invalid_target)', ['CONNECT allowed.example.test HTTP/1.1\r\n\r\n']],
    ['port 0 (400 invalid_target)', ['CONNECT allowed.example.test:0 HTTP/1.1\r\n\r\n']],
    ['userinfo (400 invalid_target)', ['CONNECT user:pw@allowed.example.test:443 HTTP/1.1\r\n\r\n']],
    ['percent in the target', ['CONNECT allowed%2eexample.test:443 HTTP/1.1\r\n\r\n']],
    ['a denied name (403)', ['CONNECT denied.example.test:443 HTTP/1.1\r\nHost: x\r\n\r\n']],
    ['split into pieces', `CONNECT denied.example.test:443 HTTP/1.0\r\nX: y\r\n\r\n`.match(/.{1,6}/gs) ?? []],
    ['CONNECT prefix, then another method', ['CONN', 'X / HTTP/1.1\r\n\r\n']],
    ['TLS bytes', [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])]],
  ])('%s', async (_name, pieces) => {
    const [fast, slow] = await both(pieces);
    expect(fast).toBe(slow);
  });

  it('408 for a CONNECT head still incomplete after headersTimeoutMs', async () => {
    const [fast, slow] = await both([`CONNECT ${target} HTTP/1.1\r\n`, 'X-a: b\r\n'], false);
    expect(fast).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(fast).toBe(slow);
  });

  it('random bytes after a CONNECT prefix', async () => {
    const alphabet = fc.constantFrom(
      ...['C', 'O', 'N', 'E', 'T', ' ', ':', '4', '3', 'a', '.', '[', ']', '@', '%', 'H', '/', '1', '\t'],
      ...['\r', '\n', '\r\n', '\r\n\r\n', 'HTTP/1.1', 'HTTP/1.0', target, 'Proxy-Authorization: ', '\u0000'],
      ...['\u00e9', 'Content-Length: 0', 'X-a: b', 'x'.repeat(700)],
    );
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 12 }), async (parts) => {
        const [fast, slow] = await both([`CONNECT ${parts.join('')}`]);
        expect(fast).toBe(slow);
      }),
      { numRuns: 60 },
    );
  });

  it('logs the same decision fields either way, and reads Proxy-Authorization the same', async () => {
    const auth = `Proxy-Authorization:  Basic ${Buffer.from('alice:s3cret').toString('base64')} \r\n`;
    const head = `CONNECT denied.example.test:443 HTTP/1.1\r\n${auth}Proxy-Authorization: Basic eA==\r\n\r\n`;
    await exchange(frontPort, [head], true);
    await exchange(referencePort, [head], true);
    const decisions = log.lines
      .filter((l) => l['event'] === 'decision' && l['host'] === 'denied.example.test')
      .slice(-2)
      .map(({ conn: _c, clientPort: _p, time: _t, ...rest }) => rest);
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toEqual(decisions[1]);
  });
});

describe('what the front hands over still works', () => {
  it('carries tunnel bytes sent with the CONNECT head, and a head split into pieces', async () => {
    const one = await exchange(frontPort, [`CONNECT ${target} HTTP/1.1\r\n\r\nearly bytes`], true);
    expect(one).toBe('HTTP/1.1 200 Connection Established\r\n\r\nearly bytes');
    const split = await exchange(
      frontPort,
      ['CONNE', `CT ${target} HTTP/1.1\r`, '\n\r\nlate', ' bytes'],
      true,
    );
    expect(split).toBe('HTTP/1.1 200 Connection Established\r\n\r\nlate bytes');
  });

  it('serves pipelined absolute-URI requests on one connection', async () => {
    const get = (path: string): string =>
      `GET http://plain.example.test/allowed/${path} HTTP/1.1\r\nHost: plain.example.test\r\n\r\n`;
    // Node's HTTP server drops requests still queued when the client's FIN arrives: no FIN here.
    const socket: Socket = connect({ host: '127.0.0.1', port: frontPort });
    let reply = '';
    const bodies = await new Promise<string[]>((resolve, reject) => {
      socket.on('data', (c: Buffer) => {
        reply += c.toString('latin1');
        const found = reply.match(/hello from web GET \/allowed\/[abc]/g) ?? [];
        if (found.length === 3) resolve(found);
      });
      socket.on('error', reject);
      socket.write(get('a') + get('b') + get('c'));
    });
    socket.destroy();
    expect(bodies).toEqual([
      'hello from web GET /allowed/a',
      'hello from web GET /allowed/b',
      'hello from web GET /allowed/c',
    ]);
  });

  it('upgrades a websocket whose first frame came with the request head', async () => {
    const headers = Object.entries({ ...upgradeHeaders, Host: 'ws.example.test' })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const socket: Socket = connect({ host: '127.0.0.1', port: frontPort });
    const received: Buffer[] = [];
    const echoed = new Promise<string>((resolve, reject) => {
      socket.on('data', (c: Buffer) => {
        received.push(c);
        const all = Buffer.concat(received);
        const end = all.indexOf('\r\n\r\n');
        if (end < 0) return;
        expect(all.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
        const text = readServerTextFrame(all.subarray(end + 4));
        if (text !== null) resolve(text);
      });
      socket.on('error', reject);
    });
    socket.write(
      Buffer.concat([
        Buffer.from(`GET http://ws.example.test/socket HTTP/1.1\r\n${headers}\r\n`),
        maskedTextFrame('frame in the first segment'),
      ]),
    );
    expect(await echoed).toBe('frame in the first segment');
    socket.destroy();
  });
});

import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/net/create-dialer.js';
import { buildClientHello } from '../net/client-hello-builder.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

const policies = fileURLToPath(new URL('../faults/policies/', import.meta.url));

// Loopback, private and metadata addresses in every spelling a client might try.
const ipLiterals: readonly (readonly [string, string])[] = [
  ['decimal', '2130706433'],
  ['octal', '0177.0.0.1'],
  ['hex', '0x7f.0.0.1'],
  ['one hex number', '0x7f000001'],
  ['short', '127.1'],
  ['trailing dot', '127.0.0.1.'],
  ['mapped IPv6', '[::ffff:127.0.0.1]'],
  ['mapped IPv6 in hex', '[::ffff:7f00:1]'],
  ['IPv6 loopback', '[::1]'],
  ['IPv6 loopback long', '[0:0:0:0:0:0:0:1]'],
  ['private short', '10.1'],
  ['private hex', '0xa.0.0.1'],
  ['private', '192.168.0.1'],
  ['metadata', '169.254.169.254'],
  ['metadata hex', '0xa9.0xfe.0xa9.0xfe'],
  ['metadata decimal', '2852039166'],
  ['metadata mapped', '[::ffff:169.254.169.254]'],
  ['metadata NAT64', '[64:ff9b::a9fe:a9fe]'],
  ['AWS IPv6 metadata', '[fd00:ec2::254]'],
  ['unspecified', '0.0.0.0'],
  ['unspecified short', '0'],
  ['IPv6 unspecified', '[::]'],
];

// Allowed names whose DNS answers point inside: DNS rebinding, as the dialer sees it.
const rebinding: Readonly<Record<string, string>> = {
  'loopback.rebind.test': '127.0.0.1',
  'mapped.rebind.test': '::ffff:127.0.0.1',
  'v6loop.rebind.test': '::1',
  'private.rebind.test': '10.0.0.1',
  'ula.rebind.test': 'fd00::1',
  'metadata.rebind.test': '169.254.169.254',
  'nat64.rebind.test': '64:ff9b::a9fe:a9fe',
  'unspecified.rebind.test': '0.0.0.0',
};
const rebindingResolver: Resolver = (hostname) => {
  const address = rebinding[hostname];
  if (address === undefined)
    return Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
  return Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
};

let sink: Upstream;
let gate: TestApp;
let wide: TestApp;

beforeAll(async () => {
  // Listens on 127.0.0.1: any slip that dials loopback on its port would land here.
  sink = await startTcpUpstream((s) => s.end('reached\n'));
  // Every name on every port is allowed: only the address checks stand between a client and the inside.
  const config = {
    policies,
    profiles: ['faults-test'],
    transparentHttp: ['127.0.0.1:0'],
    transparentTls: ['127.0.0.1:0'],
  };
  gate = await startTestApp(config, { resolver: rebindingResolver });
  wide = await startTestApp({ policies, profiles: ['wide-cidr-test'] }, { resolver: rebindingResolver });
});

afterAll(async () => {
  await gate.stop();
  await wide.stop();
  await sink.close();
});

function absoluteGet(port: number, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: url, agent: false });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('IP literals in every encoding never reach loopback, private or metadata addresses', () => {
  it.each(ipLiterals)(
    '%s (%s): CONNECT, absolute URI, transparent Host and SNI are all refused',
    async (_n, ip) => {
      const target = `${ip}:${sink.port}`;
      const connect = parseRawResponse(
        await rawExchange(
          gate.addresses.listen.port,
          `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`,
        ),
      );
      expect([400, 403]).toContain(connect.status);
      expect(connect.headers['proxy-status']).toMatch(/error=http_request_(denied|error)/);
      expect(await absoluteGet(gate.addresses.listen.port, `http://${target}/`)).toBeGreaterThanOrEqual(400);
      const hostHeader = parseRawResponse(
        await rawExchange(
          gate.addresses.transparentHttp[0]?.port ?? 0,
          `GET / HTTP/1.1\r\nHost: ${target}\r\nConnection: close\r\n\r\n`,
        ),
      );
      expect([400, 403]).toContain(hostHeader.status);
      const sni = await rawExchange(
        gate.addresses.transparentTls[0]?.port ?? 0,
        buildClientHello({ sni: ip }),
      );
      expect(sni.toString('latin1')).not.toContain('reached');
      expect(sink.connections()).toBe(0);
    },
  );

  it('logs the canonical address and ip_literal for an encoded loopback', async () => {
    await rawExchange(gate.addresses.listen.port, `CONNECT 0x7f.1:${sink.port} HTTP/1.1\r\n\r\n`);
    const line = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === '127.0.0.1' && l['listener'] === 'explicit',
    );
    expect(line).toMatchObject({ decision: 'deny', reason: 'ip_literal', port: sink.port });
  });
});

describe('names that resolve inside (DNS rebinding) are never dialed', () => {
  it.each(Object.keys(rebinding))('%s: 403 private_address, nothing dialed', async (name) => {
    const res = parseRawResponse(
      await rawExchange(gate.addresses.listen.port, `CONNECT ${name}:${sink.port} HTTP/1.1\r\n\r\n`),
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain('private_address');
    const line = await gate.waitForLine((l) => l['msg'] === 'decision' && l['host'] === name);
    expect(line).toMatchObject({ decision: 'deny', reason: 'private_address', dialed: null });
    expect(sink.connections()).toBe(0);
  });
});

describe('even with every address opened by CIDR', () => {
  it.each([
    ['metadata', '169.254.169.254'],
    ['metadata hex', '0xa9.0xfe.0xa9.0xfe'],
    ['metadata NAT64', '[64:ff9b::a9fe:a9fe]'],
    ['unspecified', '0.0.0.0'],
    ['unspecified decimal', '0'],
  ])('%s (%s) is never dialed', async (_n, ip) => {
    const res = parseRawResponse(
      await rawExchange(wide.addresses.listen.port, `CONNECT ${ip}:${sink.port} HTTP/1.1\r\n\r\n`),
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain('private_address');
    expect(sink.connections()).toBe(0);
  });

  it.each(['metadata.rebind.test', 'nat64.rebind.test', 'unspecified.rebind.test'])(
    'a name resolving to %s is not dialed either',
    async (name) => {
      const res = parseRawResponse(
        await rawExchange(wide.addresses.listen.port, `CONNECT ${name}:${sink.port} HTTP/1.1\r\n\r\n`),
      );
      expect(res.status).toBe(403);
      expect(sink.connections()).toBe(0);
    },
  );
});

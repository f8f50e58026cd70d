import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { ProxyAgent, request as undiciRequest } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCa } from '../support/make-certs.js';
import { openTunnel } from '../support/open-tunnel.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { runCommand } from '../support/run-command.js';
import { startHttpsUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';

let caFile: string;
let proxyUrl: string;

// Every name goes to the one local upstream: a denied target must still never reach it.
const fx = useGate(
  { upstream: () => startHttpsUpstream(['management.azure.com', 'allowed.example.test']) },
  ({ upstream }) => ({ connectTo: [`::127.0.0.1:${upstream.port}`] }),
);

beforeAll(() => {
  proxyUrl = `http://127.0.0.1:${fx.gate.addresses.listen.port}`;
  caFile = join(mkdtempSync(join(tmpdir(), 'egressgate-')), 'ca.pem');
  writeFileSync(caFile, testCa().certPem);
});

describe('explicit CONNECT', () => {
  it('tunnels curl -x to the upstream, which presents its own certificate', async () => {
    const result = await runCommand('curl', [
      '-sS',
      '-x',
      proxyUrl,
      '--cacert',
      caFile,
      'https://management.azure.com/x',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello from management.azure.com GET /x body=');
    const decision = await fx.gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'management.azure.com',
    );
    expect(decision).toMatchObject({
      decision: 'allow',
      listener: 'explicit',
      kind: 'connect',
      port: 443,
      rule: 'tls-allowed',
    });
    const close = await fx.gate.waitForLine((l) => l['msg'] === 'close' && l['conn'] === decision['conn']);
    expect(close['bytesOut']).toBeGreaterThan(100);
    expect(close['bytesIn']).toBeGreaterThan(500);
  });

  it('works through HTTPS_PROXY', async () => {
    const result = await runCommand('sh', [
      '-c',
      `HTTPS_PROXY=${proxyUrl} curl -sS --cacert ${caFile} https://allowed.example.test/env`,
    ]);
    expect(result.stdout).toBe('hello from management.azure.com GET /env body=');
  });

  it('works with undici ProxyAgent (CONNECT)', async () => {
    const dispatcher = new ProxyAgent({ uri: proxyUrl, requestTls: { ca: testCa().certPem } });
    const res = await undiciRequest('https://management.azure.com/undici', { dispatcher });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('hello from management.azure.com GET /undici body=');
    await dispatcher.close();
  });

  it('hands the client the upstream certificate unchanged', async () => {
    const { status, socket } = await openTunnel(fx.gate.addresses.listen.port, 'allowed.example.test:443');
    expect(status).toBe(200);
    const tls = tlsConnect({ socket, servername: 'allowed.example.test', ca: testCa().certPem });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    expect(tls.getPeerCertificate().fingerprint256).toBe(fx.upstream.cert?.fingerprint256);
    tls.destroy();
  });

  it('denies an unlisted host with 403, Proxy-Status and never dials it', async () => {
    const before = fx.upstream.connections();
    const raw = await rawExchange(
      fx.gate.addresses.listen.port,
      'CONNECT denied.example.test:443 HTTP/1.1\r\nHost: denied.example.test:443\r\n\r\n',
    );
    const res = parseRawResponse(raw);
    expect(res.status).toBe(403);
    expect(res.headers['proxy-status']).toMatch(
      /^egressgate; error=http_request_denied; details="denied\.example\.test:443 no_matching_rule/,
    );
    expect(res.body).toContain('denied.example.test:443');
    expect(res.body).toContain('no_matching_rule');
    expect(fx.upstream.connections()).toBe(before);
    const line = await fx.gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'denied.example.test',
    );
    expect(line).toMatchObject({ decision: 'deny', reason: 'no_matching_rule', level: 'warn' });
  });

  it('denies an allowed host on another port with port_not_allowed', async () => {
    const res = parseRawResponse(
      await rawExchange(fx.gate.addresses.listen.port, 'CONNECT management.azure.com:8443 HTTP/1.1\r\n\r\n'),
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain('port_not_allowed');
  });

  it.each([
    ['no port', 'management.azure.com'],
    ['port 0', 'management.azure.com:0'],
    ['port too big', 'management.azure.com:65536'],
    ['userinfo', 'user@management.azure.com:443'],
    ['empty host', ':443'],
    ['bad IPv6', '[::g]:443'],
  ])('answers 400 invalid_target for %s', async (_name, target) => {
    const res = parseRawResponse(
      await rawExchange(
        fx.gate.addresses.listen.port,
        Buffer.from(`CONNECT ${target} HTTP/1.1\r\n\r\n`, 'utf8'),
      ),
    );
    expect(res.status).toBe(400);
    expect(res.headers['proxy-status']).toContain('invalid_target');
  });

  it('answers 400 to a non-ASCII target (rejected by the HTTP parser already)', async () => {
    const raw = Buffer.from('CONNECT managément.azure.com:443 HTTP/1.1\r\n\r\n', 'utf8');
    expect(parseRawResponse(await rawExchange(fx.gate.addresses.listen.port, raw)).status).toBe(400);
  });

  it('decides on IPv6 literals in brackets (ip_literal)', async () => {
    const res = parseRawResponse(
      await rawExchange(fx.gate.addresses.listen.port, 'CONNECT [2001:db8::1]:443 HTTP/1.1\r\n\r\n'),
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain('[2001:db8::1]:443');
    expect(res.body).toContain('ip_literal');
  });

  it('works with openssl s_client -proxy', async () => {
    const result = await runCommand(
      'openssl',
      [
        's_client',
        '-proxy',
        `127.0.0.1:${fx.gate.addresses.listen.port}`,
        '-connect',
        'management.azure.com:443',
        '-servername',
        'management.azure.com',
        '-CAfile',
        caFile,
        '-verify_return_error',
        '-brief',
        '-ign_eof',
      ],
      'GET /openssl HTTP/1.1\r\nHost: management.azure.com\r\nConnection: close\r\n\r\n',
    );
    expect(result.stdout).toContain('hello from management.azure.com GET /openssl');
    expect(result.stderr).toContain('Verification: OK');
  });
});

describe('explicit listener on IPv6 loopback', () => {
  it('accepts clients on [::1] as the implicit local group', async () => {
    const v6 = await startTestApp({ listen: '[::1]:0', connectTo: [`::127.0.0.1:${fx.upstream.port}`] });
    try {
      const proxy = `http://[::1]:${v6.addresses.listen.port}`;
      const result = await runCommand('curl', [
        '-sS',
        '-x',
        proxy,
        '--cacert',
        caFile,
        'https://management.azure.com/v6',
      ]);
      expect(result.stdout).toBe('hello from management.azure.com GET /v6 body=');
      const line = await v6.waitForLine((l) => l['msg'] === 'decision');
      expect(line).toMatchObject({ client: '::1', group: 'local', decision: 'allow' });
    } finally {
      await v6.stop();
    }
  });
});

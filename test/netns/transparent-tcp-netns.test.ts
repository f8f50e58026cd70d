import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLeafCert, testCa } from '../support/make-certs.js';
import { repoRoot } from '../support/run-cli.js';
import { addonUnavailableReason } from './ensure-addon.js';
import { createNetnsPair, netnsUnavailableReason, type NetnsPair } from './netns-pair.js';
import { spawnInNetns, type NetnsProcess } from './spawn-in-netns.js';

const skipReason = netnsUnavailableReason() ?? addonUnavailableReason();
if (skipReason !== null) console.warn(`transparent-tcp namespace tests skipped: ${skipReason}`);

// Fixed ports are safe here: the namespaces are ours alone.
const enforcePort = 15003;
const reportPort = 15004;
const redirectedPorts = [443, 80, 389, 25];
// Servers the client means to reach, on addresses of the gateway namespace's own loopback device.
const tlsDst = '198.51.100.50';
const httpDst = '198.51.100.51';
const ldapAllowed = '198.51.100.10';
const ldapDenied = '198.51.100.11';
const smtpAllowed = '198.51.100.25';
const smtpDenied = '198.51.100.26';

// Names only the gateway namespace resolves (/etc/netns/NAME/hosts): the customer's own servers.
const customerHosts = `${ldapAllowed} dc1.corp.example\n${smtpDenied} intranet.corp.example\n`;

const profile = `name: netns-tcp
description: transparent-tcp namespace tests
sources: [{ id: '000', title: test }]
parameters:
  ldap_servers:
    description: the customer's domain controllers
    type: list
    default: []
    customerOwned: true
rules:
  - id: ldap-by-name
    hosts: ['{ldap_servers}']
    ports: [389]
    provenance: { document: '000' }
  - id: intranet
    hosts: ['intranet.corp.example']
    ports: [25]
    provenance: { document: '000' }
  - id: tls-named
    hosts: ['allowed.example.test']
    ports: [443]
    provenance: { document: '000' }
  - id: http-named
    hosts: ['plain.example.test']
    ports: [80]
    provenance: { document: '000' }
  - id: ldap
    cidrs: ['${ldapAllowed}/32']
    ports: [389]
    provenance: { document: '000' }
  - id: smtp
    cidrs: ['${smtpAllowed}/32']
    ports: [25]
    provenance: { document: '000' }
`;

// A plain TCP client for the client namespace: sends argv[3] (after the greeting, when argv[4]
// says the server speaks first), prints what came back once the server closes. With argv[5] and
// argv[6] it goes through that explicit proxy with CONNECT first; the proxy's answer is printed too.
const tcpClient = `
const net = require('node:net');
const [host, port, line, serverFirst, proxyHost, proxyPort] = process.argv.slice(1);
const viaProxy = proxyHost !== undefined;
const socket = net.connect(viaProxy ? { host: proxyHost, port: Number(proxyPort) } : { host, port: Number(port) });
let out = '';
let open = !viaProxy;
let sent = false;
const send = () => { if (!sent) { sent = true; socket.write(line); } };
const begin = () => { if (serverFirst !== 'yes') send(); };
socket.on('connect', () => {
  if (viaProxy) socket.write('CONNECT ' + host + ':' + port + ' HTTP/1.1\\r\\nHost: ' + host + ':' + port + '\\r\\n\\r\\n');
  else begin();
});
// The proxy's 200 and the server's greeting may arrive in one chunk.
socket.on('data', (c) => {
  out += c;
  if (!open && out.includes('\\r\\n\\r\\n')) {
    open = true;
    if (!out.startsWith('HTTP/1.1 200')) return;
    begin();
  }
  if (open && serverFirst === 'yes' && out.includes('220 ')) send();
});
socket.on('error', () => {});
socket.on('close', () => process.stdout.write(JSON.stringify(out)));
socket.setTimeout(8000, () => socket.destroy());
`;

let pair: NetnsPair;
let upstreams: NetnsProcess;
const gateways: Record<'enforce' | 'report', NetnsProcess | undefined> = {
  enforce: undefined,
  report: undefined,
};
let dir: string;
let caFile: string;

function run(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  try {
    return { code: 0, stdout: pair.exec(pair.client, args), stderr: '' };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function curl(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  return run(['curl', '-sS', '--max-time', '10', '--cacert', caFile, ...args]);
}

function tcp(
  host: string,
  port: number,
  line: string,
  serverFirst = false,
  proxy: readonly string[] = [],
): string {
  const res = run([
    process.execPath,
    '-e',
    tcpClient,
    host,
    String(port),
    line,
    serverFirst ? 'yes' : 'no',
    ...proxy,
  ]);
  return JSON.parse(res.stdout || '""') as string;
}

/** Points the client subnet's redirected ports at one gateway's transparent-tcp listener. */
function redirectTo(port: number): void {
  pair.exec(pair.gateway, ['iptables', '-t', 'nat', '-F', 'PREROUTING']);
  for (const dport of redirectedPorts) {
    pair.exec(pair.gateway, [
      ...['iptables', '-t', 'nat', '-A', 'PREROUTING', '-s', pair.subnet, '-p', 'tcp'],
      ...['--dport', String(dport), '-j', 'REDIRECT', '--to-ports', String(port)],
    ]);
  }
}

async function startGateway(mode: 'enforce' | 'report', port: number, admin: number): Promise<NetnsProcess> {
  const config = {
    listen: `0.0.0.0:${port + 100}`,
    admin: `127.0.0.1:${admin}`,
    transparentTcp: [`0.0.0.0:${port}`],
    policies: dir,
    profiles: ['netns-tcp'],
    allowClients: [pair.subnet],
    parameters: { ldap_servers: ['dc1.corp.example'] },
    mode,
    limits: { peekTimeoutMs: 500 },
    log: { level: 'warn' },
    connectTo: [
      'allowed.example.test:443:127.0.0.1:8443',
      'denied.example.test:443:127.0.0.1:8444',
      'plain.example.test:80:127.0.0.1:8080',
      'denied.example.test:80:127.0.0.1:8080',
    ],
    timeouts: { connectMs: 2_000 },
  };
  const file = join(dir, `${mode}.yaml`);
  writeFileSync(file, JSON.stringify(config));
  const gateway = spawnInNetns(
    pair.gateway,
    [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', file],
    repoRoot,
  );
  gateways[mode] = gateway;
  await gateway.waitFor(() => (gateway.stderr().includes('egressgate: proxy on') ? true : null), 30_000);
  return gateway;
}

function decisionAt(gateway: NetnsProcess | undefined, origDst: string): Promise<Record<string, unknown>> {
  if (gateway === undefined) throw new Error('gateway not started');
  return gateway.waitFor(() =>
    gateway.jsonLines.find((l) => l['msg'] === 'decision' && l['origDst'] === origDst),
  );
}

function decisionsAt(gateway: NetnsProcess | undefined, origDst: string): Record<string, unknown>[] {
  return (gateway?.jsonLines ?? []).filter((l) => l['msg'] === 'decision' && l['origDst'] === origDst);
}

describe.skipIf(skipReason !== null)(
  'transparent TCP behind iptables REDIRECT (two network namespaces)',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'egressgate-netns-tcp-'));
      caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, testCa().certPem);
      writeFileSync(join(dir, 'netns-tcp.yaml'), profile);
      pair = createNetnsPair();
      try {
        // ip netns exec mounts /etc/netns/NAME/hosts over /etc/hosts for processes in that namespace.
        mkdirSync(`/etc/netns/${pair.gateway}`, { recursive: true });
        writeFileSync(`/etc/netns/${pair.gateway}/hosts`, customerHosts);
        for (const ip of [ldapAllowed, ldapDenied, smtpAllowed, smtpDenied]) {
          pair.exec(pair.gateway, ['ip', 'addr', 'add', `${ip}/32`, 'dev', 'lo']);
        }
        const specs = [
          {
            kind: 'https',
            name: 'tls-upstream',
            host: '127.0.0.1',
            port: 8443,
            ...makeLeafCert(['allowed.example.test']),
          },
          {
            kind: 'https',
            name: 'denied-upstream',
            host: '127.0.0.1',
            port: 8444,
            ...makeLeafCert(['denied.example.test']),
          },
          { kind: 'http', name: 'http-upstream', host: '127.0.0.1', port: 8080 },
          { kind: 'line', name: 'ldap-allowed', host: ldapAllowed, port: 389 },
          { kind: 'line', name: 'ldap-denied', host: ldapDenied, port: 389 },
          { kind: 'greeter', name: 'smtp-allowed', host: smtpAllowed, port: 25 },
          { kind: 'greeter', name: 'smtp-denied', host: smtpDenied, port: 25 },
        ];
        writeFileSync(join(dir, 'upstreams.json'), JSON.stringify(specs));
        upstreams = spawnInNetns(
          pair.gateway,
          [
            process.execPath,
            '--import',
            'tsx',
            'test/netns/tcp-upstreams-child.ts',
            join(dir, 'upstreams.json'),
          ],
          repoRoot,
        );
        await upstreams.waitFor(() => (upstreams.stdout().includes('ready') ? true : null), 30_000);
        await Promise.all([
          startGateway('enforce', enforcePort, 9091),
          startGateway('report', reportPort, 9092),
        ]);
        redirectTo(enforcePort);
      } catch (err) {
        await teardown();
        throw err;
      }
    }, 90_000);

    async function teardown(): Promise<void> {
      await gateways.enforce?.stop();
      await gateways.report?.stop();
      await upstreams?.stop();
      if (pair !== undefined) rmSync(`/etc/netns/${pair.gateway}`, { recursive: true, force: true });
      pair?.remove();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
    afterAll(teardown);

    describe('enforce mode', () => {
      it('decides TLS on its SNI: an allowed name reaches its upstream, a denied one gets an alert', async () => {
        const ok = curl([
          '--resolve',
          `allowed.example.test:443:${tlsDst}`,
          'https://allowed.example.test/tls',
        ]);
        expect(ok.stdout).toBe('hello from tls-upstream /tls');
        expect(await decisionAt(gateways.enforce, `${tlsDst}:443`)).toMatchObject({
          listener: 'transparent-tcp',
          kind: 'tls',
          sni: 'allowed.example.test',
          decision: 'allow',
          client: pair.clientIp,
          dialed: '127.0.0.1:8443',
        });
        const denied = curl([
          '--resolve',
          `denied.example.test:443:${httpDst}`,
          'https://denied.example.test/',
        ]);
        expect(denied.code).not.toBe(0);
        expect(denied.stderr).toMatch(/alert access denied|alert number 49/i);
        expect(await decisionAt(gateways.enforce, `${httpDst}:443`)).toMatchObject({
          kind: 'tls',
          host: 'denied.example.test',
          decision: 'deny',
          reason: 'no_matching_rule',
        });
      });

      it('decides HTTP on its Host header: allowed is forwarded, denied gets 403', async () => {
        const ok = curl(['--resolve', `plain.example.test:80:${httpDst}`, 'http://plain.example.test/http']);
        expect(ok.stdout).toBe('hello from http-upstream /http');
        expect(await decisionAt(gateways.enforce, `${httpDst}:80`)).toMatchObject({
          listener: 'transparent-tcp',
          kind: 'http',
          host: 'plain.example.test',
          decision: 'allow',
        });
        const denied = curl([
          ...['-o', '/dev/null', '-w', '%{http_code}', '--resolve', `denied.example.test:80:${tlsDst}`],
          'http://denied.example.test/',
        ]);
        expect(denied.stdout).toBe('403');
        expect(await decisionAt(gateways.enforce, `${tlsDst}:80`)).toMatchObject({
          kind: 'http',
          decision: 'deny',
          reason: 'no_matching_rule',
        });
      });

      it('decides a plain TCP line protocol on LDAP port 389 by CIDR rule on the original destination', async () => {
        expect(tcp(ldapAllowed, 389, 'bind cn=admin\n')).toBe('ldap-allowed got bind cn=admin\n');
        expect(await decisionAt(gateways.enforce, `${ldapAllowed}:389`)).toMatchObject({
          listener: 'transparent-tcp',
          kind: 'tcp',
          host: ldapAllowed,
          port: 389,
          decision: 'allow',
          rule: 'ldap',
          dialed: `${ldapAllowed}:389`,
        });
        expect(tcp(ldapDenied, 389, 'bind cn=admin\n')).toBe('');
        expect(await decisionAt(gateways.enforce, `${ldapDenied}:389`)).toMatchObject({
          kind: 'tcp',
          decision: 'deny',
          reason: 'ip_literal',
        });
      });

      it('decides a server-first protocol (the client waits) on the original destination after the peek', async () => {
        expect(tcp(smtpAllowed, 25, 'QUIT\r\n', true)).toBe('220 smtp-allowed ready\r\n221 bye\r\n');
        expect(await decisionAt(gateways.enforce, `${smtpAllowed}:25`)).toMatchObject({
          kind: 'tcp',
          decision: 'allow',
          rule: 'smtp',
          dialed: `${smtpAllowed}:25`,
        });
        expect(tcp(smtpDenied, 25, 'QUIT\r\n', true)).toBe('');
        await decisionAt(gateways.enforce, `${smtpDenied}:25`);
        expect(decisionsAt(gateways.enforce, `${smtpDenied}:25`)).toEqual([
          expect.objectContaining({ kind: 'tcp', decision: 'deny', reason: 'ip_literal' }),
        ]);
      });
    });

    describe('customer-owned destinations (explicit proxy)', () => {
      const proxy = (port: number): string[] => [pair.gatewayIp, String(port + 100)];

      it('dials a customer-owned name that resolves to a private address, and refuses another name there', async () => {
        const ldap = tcp('dc1.corp.example', 389, 'bind\n', false, proxy(enforcePort));
        expect(ldap).toMatch(/^HTTP\/1\.1 200[^]*ldap-allowed got bind\n$/);
        expect(
          await gateways.enforce?.waitFor(() =>
            gateways.enforce?.jsonLines.find(
              (l) => l['msg'] === 'decision' && l['host'] === 'dc1.corp.example',
            ),
          ),
        ).toMatchObject({ decision: 'allow', rule: 'ldap-by-name', dialed: `${ldapAllowed}:389` });
        const intranet = tcp('intranet.corp.example', 25, 'QUIT\r\n', true, proxy(enforcePort));
        expect(intranet).toMatch(/^HTTP\/1\.1 403/);
        expect(
          await gateways.enforce?.waitFor(() =>
            gateways.enforce?.jsonLines.find(
              (l) => l['msg'] === 'decision' && l['host'] === 'intranet.corp.example',
            ),
          ),
        ).toMatchObject({ decision: 'deny', reason: 'private_address' });
      });

      it('in report mode carries the name refused as private_address to its resolved address', async () => {
        const intranet = tcp('intranet.corp.example', 25, 'QUIT\r\n', true, proxy(reportPort));
        expect(intranet).toMatch(/^HTTP\/1\.1 200[^]*220 smtp-denied ready\r\n221 bye\r\n$/);
        expect(
          await gateways.report?.waitFor(() =>
            gateways.report?.jsonLines.find(
              (l) => l['msg'] === 'decision' && l['host'] === 'intranet.corp.example',
            ),
          ),
        ).toMatchObject({ decision: 'report', reason: 'private_address', dialed: `${smtpDenied}:25` });
      });
    });

    describe('report mode', () => {
      beforeAll(() => redirectTo(reportPort));

      it('carries every connection enforce mode denied to where the client was going, and says why', async () => {
        const tls = curl([
          '--resolve',
          `denied.example.test:443:${httpDst}`,
          'https://denied.example.test/r',
        ]);
        expect(tls.stdout).toBe('hello from denied-upstream /r');
        const http = curl(['--resolve', `denied.example.test:80:${tlsDst}`, 'http://denied.example.test/r']);
        expect(http.stdout).toBe('hello from http-upstream /r');
        expect(tcp(ldapDenied, 389, 'search\n')).toBe('ldap-denied got search\n');
        expect(tcp(smtpDenied, 25, 'QUIT\r\n', true)).toBe('220 smtp-denied ready\r\n221 bye\r\n');
        const expected: [string, Record<string, unknown>][] = [
          [`${httpDst}:443`, { kind: 'tls', reason: 'no_matching_rule', dialed: '127.0.0.1:8444' }],
          [`${tlsDst}:80`, { kind: 'http', reason: 'no_matching_rule', dialed: '127.0.0.1:8080' }],
          [`${ldapDenied}:389`, { kind: 'tcp', reason: 'ip_literal', dialed: `${ldapDenied}:389` }],
          [`${smtpDenied}:25`, { kind: 'tcp', reason: 'ip_literal', dialed: `${smtpDenied}:25` }],
        ];
        for (const [origDst, fields] of expected) {
          expect(await decisionAt(gateways.report, origDst)).toMatchObject({
            listener: 'transparent-tcp',
            decision: 'report',
            mode: 'report',
            ...fields,
          });
        }
      });
    });
  },
);

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLeafCert, testCa } from '../support/make-certs.js';
import { repoRoot } from '../support/run-cli.js';
import { testPoliciesDir } from '../support/start-test-app.js';
import { addonUnavailableReason } from './ensure-addon.js';
import { createNetnsPair, netnsUnavailableReason, type NetnsPair } from './netns-pair.js';
import { spawnInNetns, type NetnsProcess } from './spawn-in-netns.js';

const skipReason = netnsUnavailableReason() ?? addonUnavailableReason();
if (skipReason !== null) console.warn(`transparent-mode namespace tests skipped: ${skipReason}`);

// Fixed ports are safe here: the namespaces are ours alone.
const tlsPort = 15001;
const ownHttpPort = 8080;
const explicitPort = 3128;
// An address the client may pick at will; inside the gateway namespace a decoy server answers on it,
// so a gateway that followed the client's address instead of the checked name would be caught.
const decoyIp = '198.51.100.7';

let pair: NetnsPair;
let gateway: NetnsProcess;
let upstreams: NetnsProcess;
let dir: string;
let caFile: string;

function curl(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = pair.exec(pair.client, ['curl', '-sS', '--max-time', '10', '--cacert', caFile, ...args]);
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function decisionFor(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return gateway.waitFor(() => gateway.jsonLines.find((l) => l['msg'] === 'decision' && pred(l)));
}

describe.skipIf(skipReason !== null)(
  'transparent TLS behind iptables REDIRECT (two network namespaces)',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'egressgate-netns-'));
      caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, testCa().certPem);
      pair = createNetnsPair();
      try {
        const gw = pair.gateway;
        pair.exec(gw, ['ip', 'addr', 'add', `${decoyIp}/32`, 'dev', 'lo']);
        for (const port of [443, ownHttpPort]) {
          pair.exec(gw, [
            ...['iptables', '-t', 'nat', '-A', 'PREROUTING', '-s', pair.subnet, '-p', 'tcp'],
            ...['--dport', String(port), '-j', 'REDIRECT', '--to-ports', String(tlsPort)],
          ]);
        }
        // A destination that never answers: SYNs to the client's port 9 are dropped.
        pair.exec(pair.client, ['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9', '-j', 'DROP']);

        const leaf = makeLeafCert(['allowed.example.test']);
        const specs = [
          { name: 'checked-upstream', host: '127.0.0.1', port: 8443, ...leaf },
          { name: 'decoy', host: decoyIp, port: 443, ...leaf },
        ];
        writeFileSync(join(dir, 'upstreams.json'), JSON.stringify(specs));
        upstreams = spawnInNetns(
          gw,
          [
            process.execPath,
            '--import',
            'tsx',
            'test/netns/tls-upstreams-child.ts',
            join(dir, 'upstreams.json'),
          ],
          repoRoot,
        );
        await upstreams.waitFor(() => (upstreams.stdout().includes('ready') ? true : null));

        const config = {
          listen: `0.0.0.0:${explicitPort}`,
          admin: '127.0.0.1:9090',
          transparentTls: [`0.0.0.0:${tlsPort}=443`],
          transparentHttp: [`0.0.0.0:${ownHttpPort}=80`],
          policies: testPoliciesDir,
          profiles: ['egress-test'],
          allowClients: [pair.subnet],
          connectTo: [
            'allowed.example.test:443:127.0.0.1:8443',
            `management.azure.com:443:${pair.clientIp}:9`,
          ],
          timeouts: { connectMs: 800 },
        };
        writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
        gateway = spawnInNetns(
          gw,
          [
            process.execPath,
            '--import',
            'tsx',
            'src/cli/main.ts',
            'serve',
            '--config',
            join(dir, 'config.yaml'),
          ],
          repoRoot,
        );
        await gateway.waitFor(() => (gateway.stderr().includes('egressgate: proxy on') ? true : null));
      } catch (err) {
        await teardown();
        throw err;
      }
    });

    async function teardown(): Promise<void> {
      await gateway?.stop();
      await upstreams?.stop();
      pair?.remove();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
    afterAll(teardown);

    it('lets an allowed SNI through to the upstream mapped for that name, with origDst logged', async () => {
      const res = curl([
        '--resolve',
        `allowed.example.test:443:${pair.gatewayIp}`,
        'https://allowed.example.test/ok',
      ]);
      expect(res.stderr).toBe('');
      expect(res.stdout).toBe('hello from checked-upstream /ok');
      const line = await decisionFor(
        (l) => l['host'] === 'allowed.example.test' && l['origDst'] === `${pair.gatewayIp}:443`,
      );
      expect(line).toMatchObject({
        listener: 'transparent-tls',
        kind: 'tls',
        decision: 'allow',
        sni: 'allowed.example.test',
        client: pair.clientIp,
        port: 443,
        dialed: '127.0.0.1:8443',
      });
    });

    it('refuses a denied SNI with a TLS alert and logs the denial', async () => {
      const res = curl([
        '--resolve',
        `denied.example.test:443:${pair.gatewayIp}`,
        'https://denied.example.test/',
      ]);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/alert access denied|alert number 49/i);
      const line = await decisionFor((l) => l['host'] === 'denied.example.test');
      expect(line).toMatchObject({
        decision: 'deny',
        reason: 'no_matching_rule',
        origDst: `${pair.gatewayIp}:443`,
      });
    });

    it('sends an allowed SNI aimed at an arbitrary address to the checked name, never to that address', async () => {
      const res = curl([
        '--resolve',
        `allowed.example.test:443:${decoyIp}`,
        'https://allowed.example.test/spoof',
      ]);
      expect(res.stdout).toBe('hello from checked-upstream /spoof');
      // The decoy is live: dialing the client's address would have reached it.
      const direct = pair.exec(pair.gateway, [
        ...['curl', '-sS', '--cacert', caFile, '--resolve', `allowed.example.test:443:${decoyIp}`],
        'https://allowed.example.test/direct',
      ]);
      expect(direct).toBe('hello from decoy /direct');
      const line = await decisionFor((l) => l['origDst'] === `${decoyIp}:443`);
      expect(line).toMatchObject({
        decision: 'allow',
        host: 'allowed.example.test',
        dialed: '127.0.0.1:8443',
      });
    });

    it('refuses TLS without SNI (an IP-literal URL) as no_sni', async () => {
      const res = curl(['-k', `https://${pair.gatewayIp}/`]);
      expect(res.code).not.toBe(0);
      const line = await decisionFor((l) => l['reason'] === 'no_sni');
      expect(line).toMatchObject({
        decision: 'deny',
        origDst: `${pair.gatewayIp}:443`,
        client: pair.clientIp,
      });
    });

    it('refuses a redirected connection whose original destination is egressgate itself (loop)', async () => {
      const res = curl([
        '--resolve',
        `allowed.example.test:${ownHttpPort}:${pair.gatewayIp}`,
        `https://allowed.example.test:${ownHttpPort}/`,
      ]);
      expect(res.code).not.toBe(0);
      const line = await decisionFor((l) => l['reason'] === 'loop');
      expect(line).toMatchObject({ decision: 'deny', origDst: `${pair.gatewayIp}:${ownHttpPort}` });
    });

    it('answers 504 connection_timeout on the explicit port when the upstream never answers the SYN', async () => {
      const res = curl([
        '-o',
        '/dev/null',
        '-w',
        '%{http_connect}',
        '-x',
        `http://${pair.gatewayIp}:${explicitPort}`,
        'https://management.azure.com/',
      ]);
      expect(res.stdout).toBe('504');
      const line = await decisionFor((l) => l['host'] === 'management.azure.com');
      expect(line).toMatchObject({
        decision: 'allow',
        dialError: 'connection_timeout',
        client: pair.clientIp,
      });
      const close = await gateway.waitFor(() =>
        gateway.jsonLines.find((l) => l['msg'] === 'close' && l['conn'] === line['conn']),
      );
      expect(close).toMatchObject({ closeReason: 'dial_error' });
    });
  },
);

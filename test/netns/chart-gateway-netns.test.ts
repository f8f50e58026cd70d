import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir } from '../deploy/chart-paths.js';
import { ensureHelm } from '../deploy/ensure-helm.js';
import { dig, pick, renderChart } from '../deploy/render-chart.js';
import { makeLeafCert, testCa } from '../support/make-certs.js';
import { repoRoot } from '../support/run-cli.js';
import { testPoliciesDir } from '../support/start-test-app.js';
import { addonUnavailableReason } from './ensure-addon.js';
import { createNetnsPair, netnsUnavailableReason, type NetnsPair } from './netns-pair.js';
import { spawnInNetns, type NetnsProcess } from './spawn-in-netns.js';

const skipReason = netnsUnavailableReason() ?? addonUnavailableReason();
if (skipReason !== null) console.warn(`chart gateway namespace tests skipped: ${skipReason}`);

// Addresses the client aims at; nothing answers on them, only the REDIRECT can make a connection work.
const redirectedIp = '198.51.100.7';
const excludedIp = '198.51.100.99';

let pair: NetnsPair;
let gateway: NetnsProcess;
let upstreams: NetnsProcess;
let dir: string;
let caFile: string;
let script: string;

function natRules(): string[] {
  return pair
    .exec(pair.gateway, ['iptables-save', '-t', 'nat'])
    .split('\n')
    .filter((l) => l.startsWith('-A '));
}

/**
 * The chart's gateway mode, end to end in two namespaces: the redirect script and config exactly as
 * `helm template` renders them, run in the gateway namespace; the client's traffic is routed there.
 */
describe.skipIf(skipReason !== null)('helm gateway mode: the rendered REDIRECT script and config', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'egressgate-chart-gw-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, testCa().certPem);
    pair = createNetnsPair();
    try {
      const objects = await renderChart(await ensureHelm(), chartDir, {
        set: [
          'gateway.enabled=true',
          'gateway.iptables.image.repository=registry.example.internal/iptables',
          `gateway.sourceCidrs={${pair.subnet}}`,
          `gateway.excludeCidrs={${excludedIp}/32}`,
          `config.allowClients={${pair.subnet}}`,
          'config.profiles={egress-test}',
        ],
      });
      const spec = dig(pick(objects, 'DaemonSet'), 'spec', 'template', 'spec');
      script = String(dig(spec, 'initContainers', 0, 'args', 0));
      const config = parse(
        String(dig(pick(objects, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml')),
      ) as Record<string, unknown>;
      // Only what cannot hold outside a cluster changes: the profile directory and the upstream's address.
      writeFileSync(
        join(dir, 'config.yaml'),
        JSON.stringify({
          ...config,
          admin: '127.0.0.1:9090',
          policies: testPoliciesDir,
          connectTo: ['allowed.example.test:443:127.0.0.1:8443'],
        }),
      );
      writeFileSync(
        join(dir, 'upstreams.json'),
        JSON.stringify([
          { name: 'upstream', host: '127.0.0.1', port: 8443, ...makeLeafCert(['allowed.example.test']) },
        ]),
      );
      upstreams = spawnInNetns(
        pair.gateway,
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
      gateway = spawnInNetns(
        pair.gateway,
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
  }, 240_000);

  async function teardown(): Promise<void> {
    await gateway?.stop();
    await upstreams?.stop();
    pair?.remove();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
  afterAll(teardown);

  it('writes the same rules however often the init container runs (a restarted pod)', () => {
    pair.exec(pair.gateway, ['sh', '-c', script]);
    const first = natRules();
    pair.exec(pair.gateway, ['sh', '-c', script]);
    expect(natRules()).toEqual(first);
    expect(first).toEqual([
      `-A PREROUTING -s ${pair.subnet} -m comment --comment egressgate -j EGRESSGATE`,
      '-A EGRESSGATE -d 127.0.0.0/8 -j RETURN',
      `-A EGRESSGATE -d ${excludedIp}/32 -j RETURN`,
      '-A EGRESSGATE -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 15001',
      '-A EGRESSGATE -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 15002',
    ]);
  });

  it('carries redirected TLS to the name it asked for, with the original destination logged', async () => {
    const out = pair.exec(pair.client, [
      ...['curl', '-sS', '--max-time', '10', '--cacert', caFile],
      ...['--resolve', `allowed.example.test:443:${redirectedIp}`, 'https://allowed.example.test/via-chart'],
    ]);
    expect(out).toBe('hello from upstream /via-chart');
    const line = await gateway.waitFor(() =>
      gateway.jsonLines.find((l) => l['msg'] === 'decision' && l['origDst'] === `${redirectedIp}:443`),
    );
    expect(line).toMatchObject({ listener: 'transparent-tls', decision: 'allow', client: pair.clientIp });
  });

  it('leaves an excluded destination alone: the RETURN rule counts it, egressgate never sees it', () => {
    let failed = false;
    try {
      pair.exec(pair.client, ['curl', '-sS', '--max-time', '2', '-k', `https://${excludedIp}/`]);
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    const counters = pair.exec(pair.gateway, ['iptables', '-t', 'nat', '-L', 'EGRESSGATE', '-n', '-v', '-x']);
    const returned = counters.split('\n').find((l) => l.includes(excludedIp) && l.includes('RETURN')) ?? '';
    expect(Number(returned.trim().split(/\s+/)[0])).toBeGreaterThan(0);
    expect(gateway.jsonLines.some((l) => String(l['origDst']).startsWith(excludedIp))).toBe(false);
  });
});

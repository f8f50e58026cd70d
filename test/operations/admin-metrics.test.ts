import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpliceRelayAddon } from '../../src/net/load-native-addon.js';
import { repoRoot } from '../support/run-cli.js';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel } from '../support/open-tunnel.js';
import { startEchoUpstream } from './ops-fixture.js';
import { spawnServe, type ServeProcess } from './spawn-serve.js';

let upstream: Upstream;
let dir: string;

// Two rules and a parameter with a default: /policy must show the default and count both rules.
const PROFILE = [
  'name: metrics-test',
  'description: admin metrics tests',
  'parameters:',
  '  zone: { description: a zone, default: one }',
  'rules:',
  '  - id: zoned',
  "    hosts: ['{zone}.metrics.test']",
  '    ports: [443]',
  "    provenance: { document: '000' }",
  '  - id: other',
  "    hosts: ['other.metrics.test']",
  '    ports: [443]',
  "    provenance: { document: '000' }",
  '',
].join('\n');

function config(mode: string, extra = ''): string {
  return [
    'listen: 127.0.0.1:0',
    'admin: 127.0.0.1:0',
    `policies: ${dir}`,
    `connectTo: ['::127.0.0.1:${upstream.port}']`,
    'clientGroups:',
    '  - name: lab',
    '    cidrs: [127.0.0.0/8]',
    '    profiles: [metrics-test]',
    `    mode: ${mode}`,
    extra,
    '',
  ].join('\n');
}

async function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** The value of one series, matched by all the given labels; null when there is none. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | null {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return null;
}

async function connect(gate: ServeProcess, target: string): Promise<number> {
  const t = await openTunnel(gate.proxyPort, target);
  t.socket.destroy();
  return t.status;
}

beforeAll(async () => {
  upstream = await startEchoUpstream();
  dir = await mkdtemp(join(tmpdir(), 'eg-metrics-'));
  await writeFile(join(dir, 'metrics-test.yaml'), PROFILE);
});

afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('admin metrics and /policy (real CLI)', () => {
  it('labels decisions by group and rule, counts denied destinations as deny, and shows build and reload info', async () => {
    const file = join(dir, 'enforce.yaml');
    await writeFile(file, config('enforce'));
    const before = Date.now() / 1000;
    const gate = await spawnServe(file);
    try {
      expect(await connect(gate, 'one.metrics.test:443')).toBe(200);
      expect(await connect(gate, 'one.metrics.test:443')).toBe(200);
      expect(await connect(gate, 'other.metrics.test:443')).toBe(200);
      expect(await connect(gate, 'evil.metrics.test:443')).toBe(403);
      await gate.waitForLine((l) => l['host'] === 'evil.metrics.test' && l['event'] === 'decision');
      const metrics = (await get(gate.adminPort, '/metrics')).body;
      const allow = { decision: 'allow', group: 'lab', profile: 'metrics-test' };
      expect(sample(metrics, 'egressgate_decisions_total', { ...allow, rule: 'zoned' })).toBe(2);
      expect(sample(metrics, 'egressgate_decisions_total', { ...allow, rule: 'other' })).toBe(1);
      expect(
        sample(metrics, 'egressgate_decisions_total', {
          decision: 'deny',
          group: 'lab',
          rule: '',
          reason: 'no_matching_rule',
        }),
      ).toBe(1);
      expect(
        sample(metrics, 'egressgate_denied_destinations_total', {
          host: 'evil.metrics.test',
          port: '443',
          decision: 'deny',
        }),
      ).toBe(1);
      const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
      expect(
        sample(metrics, 'egressgate_build_info', {
          version: pkg.version,
          // The relay in force: native wherever the splice addon is built, as serve defaults to it.
          relay: loadSpliceRelayAddon() === null ? 'js' : 'native',
          node: process.version,
        }),
      ).toBe(1);
      const loaded = sample(metrics, 'egressgate_policy_last_reload_timestamp_seconds', {}) ?? 0;
      expect(loaded).toBeGreaterThanOrEqual(Math.floor(before));
      expect(loaded).toBeLessThanOrEqual(Date.now() / 1000);

      const policy = JSON.parse((await get(gate.adminPort, '/policy')).body) as {
        hash: string;
        loadedAt: string;
        groups: {
          name: string;
          parameters: Record<string, string>;
          given: Record<string, string>;
          rules: number;
          rulesByProfile: Record<string, number>;
        }[];
      };
      expect(policy.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Date.parse(policy.loadedAt) / 1000).toBeCloseTo(loaded, 0);
      expect(policy.groups).toMatchObject([
        {
          name: 'lab',
          parameters: { zone: 'one' },
          given: {},
          rules: 2,
          rulesByProfile: { 'metrics-test': 2 },
        },
      ]);

      // A reload with another parameter value: a new hash and a later reload time.
      await writeFile(
        file,
        config('enforce').replace('    mode: enforce', '    mode: enforce\n    parameters: { zone: two }'),
      );
      await gate.waitForLine((l) => l['event'] === 'policy_reload' && l['result'] === 'success');
      const after = JSON.parse((await get(gate.adminPort, '/policy')).body) as typeof policy;
      expect(after.groups[0]?.parameters).toEqual({ zone: 'two' });
      expect(after.hash).not.toBe(policy.hash);
      expect(Date.parse(after.loadedAt)).toBeGreaterThanOrEqual(Date.parse(policy.loadedAt));
      const reloaded = sample(
        (await get(gate.adminPort, '/metrics')).body,
        'egressgate_policy_last_reload_timestamp_seconds',
        {},
      );
      expect(reloaded).toBeGreaterThanOrEqual(loaded);
    } finally {
      gate.child.kill('SIGTERM');
      await gate.exited;
    }
  });

  it('counts a report-mode finding apart from a denial, and lists the endpoints on /', async () => {
    const file = join(dir, 'report.yaml');
    await writeFile(file, config('report'));
    const gate = await spawnServe(file);
    try {
      expect(await connect(gate, 'evil.metrics.test:443')).toBe(200);
      await gate.waitForLine((l) => l['host'] === 'evil.metrics.test' && l['event'] === 'decision');
      const metrics = (await get(gate.adminPort, '/metrics')).body;
      expect(
        sample(metrics, 'egressgate_denied_destinations_total', {
          host: 'evil.metrics.test',
          decision: 'report',
        }),
      ).toBe(1);
      expect(
        sample(metrics, 'egressgate_denied_destinations_total', {
          host: 'evil.metrics.test',
          decision: 'deny',
        }),
      ).toBeNull();
      expect(
        sample(metrics, 'egressgate_decisions_total', { decision: 'report', group: 'lab', rule: '' }),
      ).toBe(1);

      const index = await get(gate.adminPort, '/');
      expect(index.status).toBe(200);
      expect(index.type).toMatch(/^text\/plain/);
      const listed = index.body.split('\n').flatMap((l) => /^\s+(\/\S*)/.exec(l)?.[1] ?? []);
      expect(listed).toEqual(
        expect.arrayContaining(['/metrics', '/healthz', '/readyz', '/policy', '/denied']),
      );
      // Every listed endpoint answers.
      for (const path of listed) expect((await get(gate.adminPort, path)).status, path).toBe(200);
    } finally {
      gate.child.kill('SIGTERM');
      await gate.exited;
    }
  });
});

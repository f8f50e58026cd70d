import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chartDir, repoRoot } from './chart-paths.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart, runHelm } from './render-chart.js';
import type { K8sObject } from './render-chart.js';

const production = join(chartDir, 'examples', 'production-values.yaml');
let helm: string;
let dir: string;

beforeAll(async () => {
  helm = await ensureHelm();
  dir = mkdtempSync(join(tmpdir(), 'egressgate-helm-operator-'));
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function valuesFile(name: string, values: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(values));
  return file;
}

interface Rule {
  from?: Record<string, unknown>[];
  to?: Record<string, unknown>[];
  ports?: { port: number | string; endPort?: number }[];
}

const netpol = (objects: K8sObject[]): { ingress: Rule[]; egress: Rule[] } => ({
  ingress: dig(pick(objects, 'NetworkPolicy'), 'spec', 'ingress') as Rule[],
  egress: dig(pick(objects, 'NetworkPolicy'), 'spec', 'egress') as Rule[],
});

const egressPorts = (objects: K8sObject[]): number[] =>
  (netpol(objects).egress[1]?.ports ?? []).map((p) => Number(p.port)).sort((a, b) => a - b);

describe("chart values.schema.json validates config with egressgate's own schema", () => {
  it('is in step with src/config/config-schema.json and the shipped profiles (scripts/sync-chart.mjs --check)', async () => {
    const code = await new Promise<number>((resolve) =>
      execFile(process.execPath, [join(repoRoot, 'scripts', 'sync-chart.mjs'), '--check'], (err) =>
        resolve(err ? Number((err as { code?: unknown }).code ?? 1) : 0),
      ),
    );
    expect(code).toBe(0);
  });

  it.each([
    ['a misspelt key', { modee: 'report' }, /modee/],
    ['a bad enum', { mode: 'sometimes' }, /mode/],
    ['a client group without cidrs', { clientGroups: [{ name: 'a', profiles: [] }] }, /cidrs/],
    ['syslog without an address', { log: { destination: 'syslog' } }, /syslog/],
    ['a key the chart sets', { listen: '0.0.0.0:3128' }, /listen|propertyNames|not/],
  ])('helm lint fails on %s in config', async (_what, config, message) => {
    const file = valuesFile('bad.yaml', { config });
    const result = await runHelm(helm, ['lint', chartDir, '--values', file]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(message);
  });

  it('helm lint passes with the new log keys set correctly', async () => {
    const file = valuesFile('good.yaml', {
      config: { log: { level: 'info', destination: 'syslog', syslog: { address: 'udp://10.0.0.5:514' } } },
    });
    const result = await runHelm(helm, ['lint', '--strict', chartDir, '--values', file]);
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
  });
});

describe('chart NetworkPolicy', () => {
  it('derives egress ports from the selected profiles when none are set (8084, 1886, 9418 included)', async () => {
    const objects = await renderChart(helm, chartDir, { valuesFiles: [production] });
    // azure-stack-hub + azure-arc-kubernetes + azure-api-management, from the documents' port columns.
    // API Management's service-tag rows (004 Required ports): 445, 1433, 5671/5672 and 12000 (stv1).
    expect(egressPorts(objects)).toEqual([
      80, 389, 443, 445, 636, 1433, 1886, 3268, 3269, 5671, 5672, 8084, 12000,
    ]);
    const hci = valuesFile('hci.yaml', { config: { profiles: ['azure-stack-hci'] } });
    expect(egressPorts(await renderChart(helm, chartDir, { valuesFiles: [hci] }))).toEqual([80, 443, 9418]);
  });

  it('takes custom profiles (and their includes) and an upstream proxy port into account; an explicit list wins', async () => {
    const custom = valuesFile('custom.yaml', {
      config: { profiles: ['mine'], upstreamProxy: 'http://parent.example:3129' },
      customProfiles: {
        mine: {
          name: 'mine',
          description: 'test',
          include: ['azure-arc-kubernetes'],
          rules: [
            { id: 'r', hosts: ['x.example.org'], ports: [7443, '6381-6383'], provenance: { document: 'x' } },
          ],
        },
      },
    });
    const objects = await renderChart(helm, chartDir, { valuesFiles: [custom] });
    const ports = netpol(objects).egress[1]?.ports ?? [];
    expect(
      ports.map((p) => [Number(p.port), p.endPort ?? Number(p.port)]).sort((a, b) => a[0]! - b[0]!),
    ).toEqual([
      [443, 443],
      [3129, 3129],
      [6381, 6383],
      [7443, 7443],
      [8084, 8084],
    ]);
    const fixed = valuesFile('fixed.yaml', { networkPolicy: { egress: { ports: [443] } } });
    expect(egressPorts(await renderChart(helm, chartDir, { valuesFiles: [production, fixed] }))).toEqual([
      443,
    ]);
  });

  it('opens IPv6 next to IPv4 by default', async () => {
    const objects = await renderChart(helm, chartDir);
    expect(netpol(objects).egress[1]?.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0' } },
      { ipBlock: { cidr: '::/0' } },
    ]);
  });

  it('admits the helm test pod on the proxy port with the production example (clients narrowed by namespace label)', async () => {
    const objects = await renderChart(helm, chartDir, { valuesFiles: [production] });
    const pod = pick(objects, 'Pod');
    const labels = dig(pod, 'metadata', 'labels') as Record<string, string>;
    const proxyRule = netpol(objects).ingress.find((r) => (r.ports ?? []).some((p) => p.port === 'proxy'));
    // A peer with only a podSelector selects pods in the policy's own namespace: the hook pod's.
    const admitted = (proxyRule?.from ?? []).some((peer) => {
      if (peer['namespaceSelector'] !== undefined || peer['ipBlock'] !== undefined) return false;
      const match = dig(peer, 'podSelector', 'matchLabels') as Record<string, string> | undefined;
      return match !== undefined && Object.entries(match).every(([k, v]) => labels[k] === v);
    });
    expect(admitted).toBe(true);
    expect(pod.metadata.namespace).toBe(pick(objects, 'NetworkPolicy').metadata.namespace);
    // ...and the gateway's own selector does not pick the hook pod up.
    const selector = dig(pick(objects, 'Deployment'), 'spec', 'selector', 'matchLabels') as Record<
      string,
      string
    >;
    expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(false);
  });
});

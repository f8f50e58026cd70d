import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { allOnValuesFile, chartDir, repoRoot } from './chart-paths.js';
import { collectProfilePorts } from './collect-profile-ports.js';
import { createSourceCliBin } from './create-source-cli-bin.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart } from './render-chart.js';
import type { K8sObject } from './render-chart.js';
import { startImageServe } from './start-image-serve.js';

const examples = readdirSync(join(chartDir, 'examples')).map((f) => join(chartDir, 'examples', f));
const valuesSets: [string, string[]][] = [
  ['default values', []],
  ['ci/all-on-values.yaml', [allOnValuesFile]],
  ...examples.map((f): [string, string[]] => [`examples/${f.split('/').at(-1)}`, [f]]),
];

interface GroupConfig {
  profiles?: string[];
}

// Every values file the chart ships must deploy a gateway that starts and whose NetworkPolicy lets
// out every port its profiles allow.
describe.each(valuesSets)('helm chart with %s', (_name, valuesFiles) => {
  let helm: string;
  let workDir: string;
  let objects: K8sObject[];
  let config: Record<string, unknown>;
  let custom: Record<string, string>;

  beforeAll(async () => {
    helm = await ensureHelm();
    workDir = mkdtempSync(join(tmpdir(), 'egressgate-examples-'));
    objects = await renderChart(helm, chartDir, { valuesFiles });
    config = parse(String(dig(pick(objects, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml'))) as Record<
      string,
      unknown
    >;
    const policies = objects.find((o) => o.metadata.name.endsWith('-policies'));
    custom = Object.fromEntries(
      Object.entries((dig(policies, 'data') ?? {}) as Record<string, string>).map(([f, t]) => [
        f.replace(/\.yaml$/, ''),
        t,
      ]),
    );
  }, 240_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('lets the gateway out on every port its profiles allow', () => {
    const groups = (config.clientGroups ?? []) as GroupConfig[];
    const names = [...((config.profiles ?? []) as string[]), ...groups.flatMap((g) => g.profiles ?? [])];
    const needed = collectProfilePorts(names, join(repoRoot, 'policies'), custom);
    const egress = dig(pick(objects, 'NetworkPolicy'), 'spec', 'egress') as {
      ports?: { port: number; endPort?: number }[];
    }[];
    const open = egress
      .flatMap((rule) => rule.ports ?? [])
      .map((p): [number, number] => [p.port, p.endPort ?? p.port]);
    for (const [first, last] of needed) {
      expect(
        open.some(([a, b]) => a <= first && last <= b),
        `port ${first}-${last}`,
      ).toBe(true);
    }
  });

  it('renders a config that egressgate serve starts with', async () => {
    const file = join(workDir, 'config.yaml');
    // Until the config takes a list of policy directories, custom profiles join the shipped ones in one.
    const policies = join(workDir, 'policies');
    cpSync(join(repoRoot, 'policies'), policies, { recursive: true });
    for (const [name, text] of Object.entries(custom)) writeFileSync(join(policies, `${name}.yaml`), text);
    writeFileSync(file, stringify({ ...config, policies }));
    const passwords = Object.fromEntries(
      ((config.clientGroups ?? []) as { users?: string[] }[])
        .flatMap((g) => g.users ?? [])
        .map((u) => [
          `EGRESSGATE_PROXY_PASSWORD_${u.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
          'not-a-secret',
        ]),
    );
    const env = {
      PATH: `${createSourceCliBin(workDir)}:${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: workDir,
      ...passwords,
    };
    const flags = ['--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'];
    if (config.transparentTls)
      flags.push('--transparent-tls', '127.0.0.1:0=443', '--transparent-http', '127.0.0.1:0=80');
    const serve = await startImageServe(['serve', '--config', file, ...flags], { cwd: workDir, env });
    try {
      expect((await fetch(`http://127.0.0.1:${serve.adminPort}/readyz`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
  });
});

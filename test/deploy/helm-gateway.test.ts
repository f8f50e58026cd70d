import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir, gatewayExampleFile, schemaErrors } from './chart-paths.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart, runHelm, type K8sObject } from './render-chart.js';
import { validateK8sObject } from './validate-k8s-object.js';

let helm: string;
let example: K8sObject[];
const image = 'gateway.iptables.image.repository=registry.example.internal/iptables';

beforeAll(async () => {
  helm = await ensureHelm();
  // The example with a transparent TCP listener as well (its config key comes with that listener).
  example = await renderChart(helm, chartDir, {
    valuesFiles: [gatewayExampleFile],
    set: ['gateway.transparentTcp[0].port=15003', 'gateway.transparentTcp[0].redirectPorts={1433,5672,445}'],
  });
}, 240_000);

const podSpec = (objects: readonly K8sObject[], kind: string): Record<string, unknown> =>
  dig(pick(objects, kind), 'spec', 'template', 'spec') as Record<string, unknown>;
const configOf = (objects: readonly K8sObject[]): Record<string, unknown> =>
  parse(String(dig(pick(objects, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml'))) as Record<
    string,
    unknown
  >;
const scriptOf = (spec: Record<string, unknown>): string => String(dig(spec, 'initContainers', 0, 'args', 0));

describe('helm chart gateway mode', () => {
  it('passes helm lint --strict with the gateway example', async () => {
    const result = await runHelm(helm, ['lint', '--strict', chartDir, '--values', gatewayExampleFile]);
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it('renders a hostNetwork DaemonSet (no Deployment, no PodDisruptionBudget) that validates', () => {
    expect(example.map((o) => o.kind)).not.toContain('Deployment');
    expect(example.map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    for (const object of example) expect(validateK8sObject(object)).toBeNull();
    const spec = podSpec(example, 'DaemonSet');
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
  });

  it('gives NET_ADMIN to the init container only; egressgate stays non-root without capabilities', () => {
    const spec = podSpec(example, 'DaemonSet');
    expect(dig(spec, 'initContainers', 0, 'securityContext', 'capabilities')).toEqual({
      drop: ['ALL'],
      add: ['NET_ADMIN', 'NET_RAW'],
    });
    const containers = spec.containers as Record<string, unknown>[];
    expect(containers).toHaveLength(1);
    expect(dig(containers[0], 'securityContext', 'capabilities')).toEqual({ drop: ['ALL'] });
    expect(dig(containers[0], 'securityContext', 'runAsNonRoot')).toBe(true);
    expect(dig(spec, 'securityContext', 'runAsUser')).toBe(10001);
  });

  it('writes one listener per gateway entry into the config, any number of each kind', () => {
    const config = configOf(example);
    expect(config.transparentTls).toEqual(['0.0.0.0:15001', '0.0.0.0:15011']);
    expect(config.transparentHttp).toEqual(['0.0.0.0:15002']);
    expect(config.transparentTcp).toEqual(['0.0.0.0:15003']);
    const ports = (
      dig(podSpec(example, 'DaemonSet'), 'containers', 0, 'ports') as { containerPort: number }[]
    ).map((p) => p.containerPort);
    expect(ports).toEqual([3128, 15001, 15011, 15002, 15003, 9090]);
  });

  it('redirects each listed port to its listener in PREROUTING, after the RETURNs for excluded destinations', () => {
    const lines = scriptOf(podSpec(example, 'DaemonSet'))
      .split('\n')
      .filter((l) => l.startsWith('ipt -A EGRESSGATE') || l.startsWith('ipt -I PREROUTING'));
    expect(lines).toEqual([
      'ipt -A EGRESSGATE -d 127.0.0.0/8 -j RETURN',
      'ipt -A EGRESSGATE -d 10.244.0.0/16 -j RETURN',
      'ipt -A EGRESSGATE -d 10.96.0.0/12 -j RETURN',
      'ipt -A EGRESSGATE -d 10.0.0.0/8 -j RETURN',
      'ipt -A EGRESSGATE -p tcp --dport 443 -j REDIRECT --to-ports 15001',
      'ipt -A EGRESSGATE -p tcp --dport 5671 -j REDIRECT --to-ports 15011',
      'ipt -A EGRESSGATE -p tcp --dport 80 -j REDIRECT --to-ports 15002',
      'ipt -A EGRESSGATE -p tcp --dport 1433 -j REDIRECT --to-ports 15003',
      'ipt -A EGRESSGATE -p tcp --dport 5672 -j REDIRECT --to-ports 15003',
      'ipt -A EGRESSGATE -p tcp --dport 445 -j REDIRECT --to-ports 15003',
      'ipt -I PREROUTING 1 -s 10.20.1.0/24 -m comment --comment egressgate -j EGRESSGATE',
    ]);
  });

  it('renders a node-local Deployment with gateway.replicas and no surge onto taken host ports', async () => {
    const objects = await renderChart(helm, chartDir, {
      set: ['gateway.enabled=true', 'gateway.kind=Deployment', 'gateway.replicas=3', image],
    });
    const deployment = pick(objects, 'Deployment');
    expect(dig(deployment, 'spec', 'replicas')).toBe(3);
    expect(dig(deployment, 'spec', 'strategy', 'rollingUpdate')).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    expect(dig(deployment, 'spec', 'template', 'spec', 'hostNetwork')).toBe(true);
    // Default listeners: 443 by SNI, 80 by Host; all traffic entering the node when no sources are given.
    const config = configOf(objects);
    expect([config.transparentTls, config.transparentHttp, config.transparentTcp]).toEqual([
      ['0.0.0.0:15001'],
      ['0.0.0.0:15002'],
      undefined,
    ]);
    expect(schemaErrors('src/config/config-schema.json', config)).toEqual([]);
    expect(scriptOf(podSpec(objects, 'Deployment'))).toContain(
      'ipt -I PREROUTING 1 -m comment --comment egressgate -j EGRESSGATE',
    );
    for (const object of objects) expect(validateK8sObject(object)).toBeNull();
  });

  it.each([
    [['gateway.enabled=true'], /gateway\.iptables\.image\.repository: name an image/],
    [['gateway.enabled=true', image, 'transparent.enabled=true'], /choose one/],
    [['gateway.enabled=true', image, 'autoscaling.enabled=true'], /turn autoscaling off/],
    [
      [
        'gateway.enabled=true',
        image,
        'gateway.transparentTcp[0].port=15003',
        'gateway.transparentTcp[0].redirectPorts={443}',
      ],
      /destination port 443 is redirected to two listeners/,
    ],
    [
      [
        'gateway.enabled=true',
        image,
        'gateway.transparentTcp[0].port=15001',
        'gateway.transparentTcp[0].redirectPorts={389}',
      ],
      /listener port 15001 is used twice/,
    ],
    [
      ['gateway.enabled=true', image, 'gateway.transparentTls=null', 'gateway.transparentHttp=null'],
      /at least one listener/,
    ],
  ])('refuses %j, saying why', async (set, message) => {
    const args = ['template', 'gw', chartDir, ...set.flatMap((s) => ['--set', s])];
    const result = await runHelm(helm, args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});

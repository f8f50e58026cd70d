import { beforeAll, describe, expect, it } from 'vitest';
import { allOnValuesFile, chartDir, readYamlFile } from './chart-paths.js';
import { chartedMetrics } from './charted-metrics.js';
import { ensureHelm } from './ensure-helm.js';
import { findPromqlError } from './find-promql-error.js';
import { dig, pick, renderChart, runHelm } from './render-chart.js';
import type { K8sObject } from './render-chart.js';

let helm: string;
let defaults: K8sObject[];
let allOn: K8sObject[];

beforeAll(async () => {
  helm = await ensureHelm();
  [defaults, allOn] = await Promise.all([
    renderChart(helm, chartDir),
    renderChart(helm, chartDir, { valuesFiles: [allOnValuesFile] }),
  ]);
}, 240_000);

interface Port {
  name: string;
  port?: number | string;
  containerPort?: number;
  targetPort?: string;
  protocol?: string;
}
const podLabels = (objects: readonly K8sObject[]): unknown =>
  dig(pick(objects, 'Deployment'), 'spec', 'template', 'metadata', 'labels');
const containerPorts = (objects: readonly K8sObject[]): Port[] =>
  dig(pick(objects, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'ports') as Port[];
const selects = (selector: unknown, labels: unknown): boolean =>
  Object.entries(selector as Record<string, string>).every(
    ([k, v]) => (labels as Record<string, string>)[k] === v,
  );

describe('helm chart traffic objects', () => {
  it('selects the gateway pods with the NetworkPolicy and admits clients only on the proxy ports', () => {
    for (const objects of [defaults, allOn]) {
      const np = pick(objects, 'NetworkPolicy');
      const selector = dig(np, 'spec', 'podSelector', 'matchLabels');
      expect(selects(selector, podLabels(objects))).toBe(true);
      expect(dig(np, 'spec', 'policyTypes')).toEqual(['Ingress', 'Egress']);
      const names = new Set(containerPorts(objects).map((p) => p.name));
      const ingress = dig(np, 'spec', 'ingress') as { from: unknown[]; ports: Port[] }[];
      for (const rule of ingress)
        for (const p of rule.ports) expect(names.has(String(p.port)), String(p.port)).toBe(true);
      const adminRules = ingress.filter((r) => r.ports.some((p) => p.port === 'admin'));
      expect(adminRules).toHaveLength(1);
      expect(adminRules[0]!.ports).toEqual([{ port: 'admin', protocol: 'TCP' }]);
      expect(dig(adminRules[0], 'from', 0, 'namespaceSelector', 'matchLabels')).toEqual({
        'kubernetes.io/metadata.name': 'monitoring',
      });
    }
  });

  it('takes the client peers from values and opens the transparent ports when enabled', () => {
    const np = pick(allOn, 'NetworkPolicy');
    const clientRule = (dig(np, 'spec', 'ingress') as { from: unknown[]; ports: Port[] }[])[0]!;
    // The values' peers, then the `helm test` pod.
    expect(clientRule.from.slice(0, -1)).toEqual(
      dig(readYamlFile(allOnValuesFile), 'networkPolicy', 'clients'),
    );
    expect(clientRule.from.at(-1)).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'helm-test' } },
    });
    expect(clientRule.ports.map((p) => p.port)).toEqual(['proxy', 'transparent-tls', 'transparent-http']);
    const defaultRule = dig(pick(defaults, 'NetworkPolicy'), 'spec', 'ingress', 0, 'ports') as Port[];
    expect(defaultRule.map((p) => p.port)).toEqual(['proxy']);
  });

  it('lets the gateway reach DNS and the allowed ports, never the cluster ranges', () => {
    const egress = dig(pick(allOn, 'NetworkPolicy'), 'spec', 'egress') as { to: unknown[]; ports: Port[] }[];
    expect(egress[0]!.ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    expect(dig(egress[0], 'to', 0, 'podSelector', 'matchLabels')).toEqual({ 'k8s-app': 'kube-dns' });
    expect(egress[1]!.ports.map((p) => [p.port, (p as { endPort?: number }).endPort ?? p.port])).toEqual([
      [443, 443],
      [80, 80],
      [8084, 8084],
      [389, 389],
      [636, 636],
      [3268, 3268],
      [3269, 3269],
      [6381, 6383],
    ]);
    expect(egress[1]!.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16', '10.96.0.0/12'] } },
      { ipBlock: { cidr: '::/0', except: ['fd00:10:244::/56'] } },
    ]);
    expect(dig(egress[2], 'ports', 0, 'port')).toBe(3128);
  });

  it('exposes the proxy and transparent ports on one Service and admin only on another', async () => {
    for (const objects of [defaults, allOn]) {
      const names = new Set(containerPorts(objects).map((p) => p.name));
      const gateway = pick(objects, 'Service', 'gw-egressgate');
      const admin = pick(objects, 'Service', '-admin');
      for (const svc of [gateway, admin]) {
        expect(selects(dig(svc, 'spec', 'selector'), podLabels(objects))).toBe(true);
        for (const p of dig(svc, 'spec', 'ports') as Port[])
          expect(names.has(String(p.targetPort))).toBe(true);
      }
      expect((dig(admin, 'spec', 'ports') as Port[]).map((p) => p.targetPort)).toEqual(['admin']);
      expect((dig(gateway, 'spec', 'ports') as Port[]).map((p) => p.targetPort)).not.toContain('admin');
    }
    expect(dig(pick(allOn, 'Service', 'gw-egressgate'), 'spec', 'externalTrafficPolicy')).toBe('Local');
    const clusterIp = await renderChart(helm, chartDir, { set: ['service.externalTrafficPolicy=Local'] });
    expect(dig(pick(clusterIp, 'Service', 'gw-egressgate'), 'spec', 'externalTrafficPolicy')).toBeUndefined();
    const ports = dig(pick(allOn, 'Service', 'gw-egressgate'), 'spec', 'ports') as Port[];
    expect(ports.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['proxy', 3128, 'proxy'],
      ['transparent-tls', 443, 'transparent-tls'],
      ['transparent-http', 80, 'transparent-http'],
    ]);
  });

  it('scales with an HPA on CPU that owns the replica count, under a PodDisruptionBudget', () => {
    const deployment = pick(allOn, 'Deployment');
    expect(dig(deployment, 'spec', 'replicas')).toBeUndefined();
    expect(dig(pick(defaults, 'Deployment'), 'spec', 'replicas')).toBe(2);
    const hpa = pick(allOn, 'HorizontalPodAutoscaler');
    expect(dig(hpa, 'spec', 'scaleTargetRef')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(dig(hpa, 'spec', 'metrics', 0, 'resource', 'name')).toBe('cpu');
    const pdb = pick(allOn, 'PodDisruptionBudget');
    expect(selects(dig(pdb, 'spec', 'selector', 'matchLabels'), podLabels(allOn))).toBe(true);
  });
});

describe('helm chart monitoring objects', () => {
  it('scrapes /metrics on the admin Service with the ServiceMonitor', () => {
    const sm = pick(allOn, 'ServiceMonitor');
    const admin = pick(allOn, 'Service', '-admin');
    expect(selects(dig(sm, 'spec', 'selector', 'matchLabels'), admin.metadata.labels)).toBe(true);
    expect(
      selects(
        dig(sm, 'spec', 'selector', 'matchLabels'),
        pick(allOn, 'Service', 'gw-egressgate').metadata.labels,
      ),
    ).toBe(false);
    expect(dig(sm, 'spec', 'endpoints', 0)).toMatchObject({ port: 'admin', path: '/metrics' });
    expect(dig(sm, 'metadata', 'labels', 'release')).toBe('kube-prometheus-stack');
  });

  it('alerts on rising denials, failed reloads and no ready replicas, scoped to this release', () => {
    const rules = dig(pick(allOn, 'PrometheusRule'), 'spec', 'groups', 0, 'rules') as {
      alert: string;
      expr: string;
    }[];
    const byName = new Map(rules.map((r) => [r.alert, r.expr]));
    expect([...byName.keys()]).toEqual([
      'EgressgateDeniedEgressRising',
      'EgressgateReportModeFindings',
      'EgressgatePolicyReloadFailed',
      'EgressgateNoReadyReplicas',
    ]);
    expect(byName.get('EgressgateDeniedEgressRising')).toMatch(
      /egressgate_decisions_total\{[^}]*decision="deny"/,
    );
    expect(byName.get('EgressgateReportModeFindings')).toMatch(
      /^sum by \(group\) \(rate\(egressgate_decisions_total\{[^}]*decision="report"\}\[15m\]\)\) > 0$/,
    );
    expect(byName.get('EgressgatePolicyReloadFailed')).toMatch(/egressgate_policy_reloads_total\{/);
    expect(byName.get('EgressgateNoReadyReplicas')).toContain('deployment="gw-egressgate"');
    for (const expr of byName.values()) expect(expr).toContain('namespace="egress"');
    for (const expr of byName.values()) expect(expr).not.toMatch(/\{\{|\}\}/);
    for (const expr of byName.values()) expect(findPromqlError(expr), expr).toBeNull();
  });

  it('ships a Grafana dashboard labelled for the sidecar that charts every metric', () => {
    const cm = pick(allOn, 'ConfigMap', '-dashboard');
    expect(dig(cm, 'metadata', 'labels', 'grafana_dashboard')).toBe('1');
    expect(cm.metadata.namespace).toBe('monitoring');
    const dashboard = JSON.parse(String(dig(cm, 'data', 'egressgate.json'))) as {
      panels: { targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of chartedMetrics) expect(exprs, metric).toContain(metric);
    for (const expr of exprs.split('\n')) expect(findPromqlError(expr), expr).toBeNull();
    expect(exprs).toMatch(/sum by \(profile\) \(rate\(egressgate_decisions_total\{[^}]*decision="deny"/);
    expect(exprs).toMatch(/sum by \(host, port\) \(increase\(egressgate_denied_destinations_total/);
    // Per group, report mode and connection limits each have a panel.
    expect(exprs).toMatch(/sum by \(group, decision\) \(rate\(egressgate_decisions_total/);
    expect(exprs).toMatch(/egressgate_denied_destinations_total\{[^}]*decision="report"/);
    expect(exprs).toMatch(/sum by \(scope\) \(rate\(egressgate_connection_limit_rejections_total/);
  });
});

describe('helm chart guards', () => {
  it('rolls pods on config changes only when asked to (checksum annotation)', async () => {
    expect(dig(pick(defaults, 'Deployment'), 'spec', 'template', 'metadata', 'annotations')).toBeUndefined();
    const checksum = (objects: K8sObject[]): unknown =>
      dig(pick(objects, 'Deployment'), 'spec', 'template', 'metadata', 'annotations', 'checksum/config');
    const changed = await renderChart(helm, chartDir, {
      valuesFiles: [allOnValuesFile],
      set: ['config.mode=report'],
    });
    expect(checksum(allOn)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(changed)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(changed)).not.toBe(checksum(allOn));
  });

  it.each([
    [['terminationGracePeriodSeconds=30'], 'terminationGracePeriodSeconds (30) must be at least'],
    [['config.listen=0.0.0.0:1'], "invalid propertyName 'listen'"],
    [['config.mode=block'], "at '/config/mode'"],
    [['customProfiles.bad-name.name=other', 'customProfiles.bad-name.rules[0].id=x'], 'must be "bad-name"'],
  ])('refuses %j with a clear error', async (set, message) => {
    const args = ['template', 'gw', chartDir, ...set.flatMap((s) => ['--set', s])];
    const result = await runHelm(helm, args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });
});

describe('helm chart NOTES', () => {
  it('tells how to point workloads at the gateway and how to read denials', async () => {
    const args = [
      'install',
      'gw',
      chartDir,
      '--dry-run=client',
      '--namespace',
      'egress',
      '--values',
      allOnValuesFile,
    ];
    const result = await runHelm(helm, args);
    expect(result.code).toBe(0);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain('value: http://gw-egressgate.egress.svc:3128');
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) expect(notes).toContain(`- name: ${name}`);
    expect(notes).toMatch(
      /NO_PROXY\n\s+value: localhost,127\.0\.0\.1,\.svc,\.cluster\.local,kubernetes\.default\.svc,10\.244\.0\.0\/16,10\.96\.0\.0\/12/,
    );
    expect(notes).toContain(`jq -c 'select(.msg == "decision" and .decision == "deny")`);
    expect(notes).toContain(
      'egressgate check --profile azure-stack-hub --profile contoso-updates --set cloud=public',
    );
  });
});

import { Registry } from 'prom-client';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel } from '../support/open-tunnel.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from './ops-fixture.js';

let upstream: Upstream;
let policy: PolicyDir;
let gate: TestApp;
const registry = new Registry();

async function value(name: string, labels: Record<string, string>): Promise<number> {
  // Histogram parts (_count, _sum, _bucket) are values of the base metric, told apart by metricName.
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const metric = await registry.getSingleMetric(base)?.get();
  const values: { value: number; labels: Record<string, unknown>; metricName?: string }[] =
    metric?.values ?? [];
  const found = values.find(
    (v) =>
      (base === name || v.metricName === name) &&
      Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  );
  return found?.value ?? 0;
}

beforeAll(async () => {
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['allowed.ops.test']);
  gate = await startTestApp(
    {
      policies: policy.dir,
      profiles: [PROFILE],
      connectTo: [`::127.0.0.1:${upstream.port}`],
      metrics: { deniedTopN: 1 },
    },
    { registry },
  );
});

afterAll(async () => {
  await gate.stop();
  await upstream.close();
  await policy.remove();
});

describe('metrics after real traffic', () => {
  it('counts an allowed tunnel: decision, active gauge while open, bytes after close', async () => {
    const tunnel = await openTunnel(gate.addresses.listen.port, 'allowed.ops.test:443');
    expect(tunnel.status).toBe(200);
    expect(await tunnel.roundTrip('x'.repeat(1000))).toBe('x'.repeat(1000));
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBe(1);
    const decision = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'allowed.ops.test',
    );
    expect(decision['dialed']).toBe(`127.0.0.1:${upstream.port}`);

    tunnel.socket.end();
    await gate.waitForLine((l) => l['msg'] === 'close' && l['conn'] === decision['conn']);
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBe(0);
    expect(await value('egressgate_bytes_total', { direction: 'out', listener: 'explicit' })).toBe(1000);
    expect(await value('egressgate_bytes_total', { direction: 'in', listener: 'explicit' })).toBe(1000);
    expect(
      await value('egressgate_decisions_total', {
        decision: 'allow',
        listener: 'explicit',
        profile: PROFILE,
        reason: 'allowed',
      }),
    ).toBe(1);
    expect(await value('egressgate_upstream_connect_seconds_count', {})).toBe(1);
  });

  it('counts denials by profile and keeps denied hosts within the top-N labels', async () => {
    for (const host of [
      'hot.ops.test',
      'hot.ops.test',
      'hot.ops.test',
      'cold-1.ops.test',
      'cold-2.ops.test',
    ]) {
      const denied = await openTunnel(gate.addresses.listen.port, `${host}:443`);
      expect(denied.status).toBe(403);
    }
    expect(
      await value('egressgate_decisions_total', {
        decision: 'deny',
        listener: 'explicit',
        profile: PROFILE,
        reason: 'no_matching_rule',
      }),
    ).toBe(5);
    const series =
      (await registry.getSingleMetric('egressgate_denied_destinations_total')?.get())?.values ?? [];
    expect(series.map((s) => [s.labels['host'], s.value]).sort()).toEqual([
      ['_other', 2],
      ['hot.ops.test', 3],
    ]);
  });

  it('serves the same numbers on /metrics and the denied hosts on /denied', async () => {
    const admin = `http://127.0.0.1:${gate.addresses.admin?.port}`;
    const text = await (await request(`${admin}/metrics`)).body.text();
    expect(text).toContain(
      'egressgate_denied_destinations_total{host="hot.ops.test",port="443",decision="deny"} 3',
    );
    expect(text).toMatch(
      /egressgate_policy_info\{group="local",profiles="ops-test",parameters="",mode="enforce"\} 1/,
    );
    const denied = (await (await request(`${admin}/denied`)).body.json()) as {
      destinations: { host: string; count: number }[];
    };
    expect(denied.destinations[0]).toMatchObject({ host: 'hot.ops.test', count: 3 });
    expect(denied.destinations).toHaveLength(3);
  });
});

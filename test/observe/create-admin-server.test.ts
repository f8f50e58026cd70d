import { request } from 'undici';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/observe/create-admin-server.js';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { parseListenAddress } from '../../src/config/parse-listen-address.js';

let server: AdminServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(ready: { value: boolean }) {
  const registry = new Registry();
  const metrics = createMetrics(registry, { deniedTopN: 5 });
  metrics.setPolicyInfo([
    { group: 'default', profiles: ['azure-stack-hub'], parameters: { region: 'eastus' }, mode: 'enforce' },
  ]);
  const denied = new DeniedTracker(10, () => Date.parse('2026-01-01T00:00:00Z'));
  denied.record({
    host: 'x.example',
    port: 443,
    reason: 'no_matching_rule',
    enforced: true,
    client: '127.0.0.1',
    group: null,
  });
  server = createAdminServer({
    registry,
    readiness: () => ready.value,
    policyInfo: () => ({ profiles: ['azure-stack-hub'], parameters: { region: 'eastus' } }),
    denied,
  });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${address.port}`;
}

describe('createAdminServer', () => {
  it('serves metrics in Prometheus text format, including default and policy info metrics', async () => {
    const base = await start({ value: true });
    const res = await request(`${base}/metrics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const body = await res.body.text();
    expect(body).toContain('# TYPE egressgate_decisions_total counter');
    expect(body).toContain(
      'egressgate_policy_info{group="default",profiles="azure-stack-hub",parameters="region=eastus",mode="enforce"} 1',
    );
    expect(body).toContain('egressgate_policy_reloads_total{result="failure"} 0');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers healthz, and readyz by the readiness callback', async () => {
    const ready = { value: false };
    const base = await start(ready);
    expect((await request(`${base}/healthz`)).statusCode).toBe(200);
    const notReady = await request(`${base}/readyz`);
    expect(notReady.statusCode).toBe(503);
    await notReady.body.dump();
    ready.value = true;
    const isReady = await request(`${base}/readyz`);
    expect(isReady.statusCode).toBe(200);
    expect(await isReady.body.text()).toBe('ready\n');
  });

  it('serves the policy and the denied destinations as JSON', async () => {
    const base = await start({ value: true });
    const policy = await request(`${base}/policy`);
    expect(policy.headers['content-type']).toContain('application/json');
    expect(await policy.body.json()).toEqual({
      profiles: ['azure-stack-hub'],
      parameters: { region: 'eastus' },
    });
    const denied = (await (await request(`${base}/denied?x=1`)).body.json()) as {
      destinations: { host: string; count: number; firstSeen: string }[];
    };
    expect(denied.destinations).toEqual([
      expect.objectContaining({ host: 'x.example', count: 1, firstSeen: '2026-01-01T00:00:00.000Z' }),
    ]);
  });

  it('answers 404 for unknown paths, 405 for other methods, and HEAD without a body', async () => {
    const base = await start({ value: true });
    const missing = await request(`${base}/nope`);
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    const post = await request(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(post.statusCode).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    await post.body.dump();
    const head = await request(`${base}/healthz`, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(await head.body.text()).toBe('');
  });

  it('rejects a busy port with the listen error', async () => {
    const base = await start({ value: true });
    const port = Number(new URL(base).port);
    const second = createAdminServer({
      registry: new Registry(),
      readiness: () => true,
      policyInfo: () => null,
      denied: new DeniedTracker(1, Date.now),
    });
    await expect(second.listen({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await second.close();
  });
});

describe('the admin address', () => {
  // One parser for every bind address (net/parse-bind-address.ts); the server takes it parsed.
  it('is read like every listen address', () => {
    expect(parseListenAddress('127.0.0.1:9090', 'admin')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListenAddress('0.0.0.0:9090', 'admin')).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(parseListenAddress('[::1]:9090', 'admin')).toEqual({ host: '::1', port: 9090 });
  });
  it('rejects nonsense with an error that names the setting', () => {
    expect(() => parseListenAddress('9090', 'admin')).toThrow('admin: expected ADDR:PORT, got "9090"');
    expect(() => parseListenAddress('localhost', 'admin')).toThrow(
      'admin: expected ADDR:PORT, got "localhost"',
    );
    expect(() => parseListenAddress('1.2.3.4:99999', 'admin')).toThrow('admin: invalid port "99999"');
    expect(() => parseListenAddress('gate.example:9090', 'admin')).toThrow(
      'admin: "gate.example" is not an IP address',
    );
  });
});

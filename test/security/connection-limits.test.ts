import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RelayKind } from '../../src/net/native-relay.js';
import { readMetric, pollUntil, readActiveGauge } from '../faults/leak-check.js';
import { openTunnel, roundTrip, type TunnelAnswer } from '../support/open-tunnel.js';
import { describeRelays } from '../support/relays.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

const policies = fileURLToPath(new URL('../faults/policies/', import.meta.url));

let registry: Registry;
let gate: TestApp;
let echo: Upstream;

beforeAll(async () => {
  echo = await startTcpUpstream((s) => s.pipe(s));
});

afterAll(async () => {
  await echo.close();
});

async function startGate(relay: RelayKind): Promise<void> {
  registry = new Registry();
  const group = { profiles: ['faults-test'] };
  gate = await startTestApp(
    {
      relay,
      policies,
      limits: { maxConnections: 3 },
      clientGroups: [
        { name: 'capped', cidrs: ['127.0.0.2/32'], maxConnections: 1, ...group },
        { name: 'local', cidrs: ['127.0.0.1/32'], ...group },
      ],
      connectTo: [`echo.limit.test:443:127.0.0.1:${echo.port}`],
    },
    { registry },
  );
}

async function open(from: string): Promise<TunnelAnswer> {
  return openTunnel(gate.addresses.listen.port, 'echo.limit.test:443', { localAddress: from });
}

async function closeAll(tunnels: readonly TunnelAnswer[]): Promise<void> {
  for (const t of tunnels) t.socket.destroy();
  await pollUntil(
    () => gate.app.activeConnections(),
    (n) => n === 0,
  );
  await pollUntil(
    () => readActiveGauge(registry),
    (n) => n === 0,
  );
}

function expectLimitAnswer(answer: TunnelAnswer): void {
  expect(answer.status).toBe(503);
  expect(answer.headers['proxy-status']).toMatch(/^egressgate; error=connection_limit_reached;/);
}

describeRelays('connection limits', (relay) => {
  beforeAll(() => startGate(relay));
  afterAll(() => gate.stop());

  it('refuses a second connection from a group capped at 1 with 503, others still pass', async () => {
    const first = await open('127.0.0.2');
    expect(first.status).toBe(200);
    expect(await roundTrip(first.socket, 'one')).toBe('one');
    const second = await open('127.0.0.2');
    expectLimitAnswer(second);
    const line = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['reason'] === 'connection_limit' && l['group'] === 'capped',
    );
    expect(line).toMatchObject({ decision: 'deny', host: 'echo.limit.test', client: '127.0.0.2' });
    expect(
      await readMetric(registry, 'egressgate_connection_limit_rejections_total', { scope: 'group' }),
    ).toBe(1);
    const other = await open('127.0.0.1');
    expect(other.status).toBe(200);
    await closeAll([first, second, other]);
    // The slot is free again once the tunnel is gone.
    const again = await open('127.0.0.2');
    expect(again.status).toBe(200);
    await closeAll([again]);
  });

  it('refuses the connection beyond limits.maxConnections with 503 (scope global)', async () => {
    const open3 = [await open('127.0.0.1'), await open('127.0.0.1'), await open('127.0.0.1')];
    expect(open3.map((t) => t.status)).toEqual([200, 200, 200]);
    // Bytes through each: the relay (native or js) carries them, and they still hold their slots.
    for (const t of open3) expect(await roundTrip(t.socket, 'held')).toBe('held');
    expect(await readActiveGauge(registry)).toBe(3);
    const fourth = await open('127.0.0.1');
    expectLimitAnswer(fourth);
    // Checked before the group limit: the capped group's free slot does not help.
    const capped = await open('127.0.0.2');
    expectLimitAnswer(capped);
    expect(
      await readMetric(registry, 'egressgate_connection_limit_rejections_total', { scope: 'global' }),
    ).toBe(2);
    await closeAll([...open3, fourth, capped]);
    expect(gate.app.activeConnections()).toBe(0);
    const after = await open('127.0.0.1');
    expect(after.status).toBe(200);
    await closeAll([after]);
  });
});

import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RelayKind } from '../../src/net/native-relay.js';
import { superviseApp, type Supervisor } from '../../src/reload/supervise-app.js';
import { captureLog } from '../observe/capture-log.js';
import { describeRelays } from '../support/relays.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel, type TunnelAnswer } from '../support/open-tunnel.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from './ops-fixture.js';

let upstream: Upstream;
let policy: PolicyDir;
let gate: TestApp;
let supervisor: Supervisor;
let signals: EventEmitter;
let registry: Registry;
// The supervisor's own lines (reloads, shutdown); decisions go to the app's captured log.
let ops: ReturnType<typeof captureLog>;

async function reloads(result: string): Promise<number | undefined> {
  const m = await registry.getSingleMetric('egressgate_policy_reloads_total')?.get();
  return m?.values.find((v) => v.labels['result'] === result)?.value;
}

async function statusOf(host: string): Promise<number> {
  const t = await openTunnel(gate.addresses.listen.port, `${host}:443`);
  t.socket.destroy();
  return t.status;
}

async function startGate(relay: RelayKind): Promise<void> {
  signals = new EventEmitter();
  registry = new Registry();
  ops = captureLog();
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['first.ops.test']);
  gate = await startTestApp(
    { relay, policies: policy.dir, profiles: [PROFILE], connectTo: [`::127.0.0.1:${upstream.port}`] },
    { registry },
  );
  // SIGHUP comes from an emitter: the real process signal is the CLI test's job.
  supervisor = superviseApp({
    app: gate.app,
    logger: ops.logger,
    metrics: gate.app.metrics,
    drainTimeoutMs: 1000,
    watchDirs: [],
    signals,
  });
}

async function stopGate(): Promise<void> {
  await supervisor.shutdown('SIGTERM');
  await upstream.close();
  await policy.remove();
}

describeRelays('reload while a tunnel is open', (relay) => {
  let tunnel: TunnelAnswer;
  beforeAll(() => startGate(relay));
  afterAll(() => stopGate());

  it('starts with the first policy', async () => {
    tunnel = await openTunnel(gate.addresses.listen.port, 'first.ops.test:443');
    expect(tunnel.status).toBe(200);
    expect(await tunnel.roundTrip('before')).toBe('before');
    expect(await statusOf('second.ops.test')).toBe(403);
  });

  it('applies a valid profile to new connections and leaves the open tunnel alone', async () => {
    await policy.allow(['second.ops.test']);
    signals.emit('SIGHUP');
    const reloaded = await ops.waitFor((l) => l['event'] === 'policy_reload');
    expect(reloaded).toMatchObject({ event: 'policy_reload', trigger: 'SIGHUP', result: 'success' });
    expect(await reloads('success')).toBe(1);
    expect(await statusOf('second.ops.test')).toBe(200);
    expect(await statusOf('first.ops.test')).toBe(403);
    expect(await tunnel.roundTrip('after valid reload')).toBe('after valid reload');
  });

  it('keeps the policy in force when the new profile is invalid, and says where', async () => {
    await policy.writeRaw(
      `name: ${PROFILE}\nrules:\n  - id: broken\n    hosts: ['*.com']\n    ports: [443]\n`,
    );
    expect(await supervisor.reload('test')).toBe(false);
    const failure = ops.lines.at(-1);
    expect(failure).toMatchObject({ level: 'error', event: 'policy_reload', result: 'failure' });
    expect(String(failure?.['file'])).toContain(`${PROFILE}.yaml`);
    expect(failure?.['line']).toEqual(expect.any(Number));
    expect(await reloads('failure')).toBe(1);
    expect(await statusOf('second.ops.test')).toBe(200);
    expect(await statusOf('first.ops.test')).toBe(403);
    expect(await tunnel.roundTrip('after invalid reload')).toBe('after invalid reload');
    const closes = gate.lines.filter(
      (l) => l['msg'] === 'close' && l['host'] === 'first.ops.test' && l['decision'] === 'allow',
    );
    expect(closes).toHaveLength(0);
    tunnel.socket.end();
  });
});

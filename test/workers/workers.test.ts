import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from '../operations/ops-fixture.js';
import type { ServeProcess } from '../operations/spawn-serve.js';
import { connectStatus, isRefused } from '../support/open-tunnel.js';
import type { Upstream } from '../support/start-upstream.js';
import {
  readyWorkerPids,
  reusePortUnavailableReason,
  scrape,
  serveWorkers,
  transparentPort,
  tunnelOnEachWorker,
  until,
} from './workers-fixture.js';

const unavailable = reusePortUnavailableReason();
let upstream: Upstream;
let policy: PolicyDir;
const running: ServeProcess[] = [];

beforeAll(async () => {
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['spread.ops.test']);
});

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await upstream?.close();
  await policy?.remove();
});

async function start(options: Parameters<typeof serveWorkers>[2] = {}): Promise<ServeProcess> {
  const gate = await serveWorkers(policy, upstream.port, options);
  running.push(gate);
  return gate;
}

/** Status of a CONNECT, with the tunnel closed again at once. */
function statusOf(gate: ServeProcess, target: string): Promise<number> {
  return connectStatus(gate.proxyPort, target);
}

const decisionsFor = (gate: ServeProcess, host: string): Record<string, unknown>[] =>
  gate.lines.filter((l) => l['msg'] === 'decision' && l['host'] === host);

describe.skipIf(unavailable !== null)('workers: 2 (real processes, SO_REUSEPORT)', () => {
  it('both workers accept, every log line arrives whole, and /metrics sums the decisions of both', async () => {
    const gate = await start({ name: 'spread', transparentHttp: true });
    const pids = await readyWorkerPids(gate, 2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(gate.child.pid);

    // Concurrent connections, so both workers write their (batched) log lines at the same time.
    const allowed = 40;
    const denied = 40;
    const statuses = await Promise.all([
      ...Array.from({ length: allowed }, () => statusOf(gate, 'spread.ops.test:443')),
      ...Array.from({ length: denied }, () => statusOf(gate, 'denied.ops.test:443')),
    ]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(allowed);
    expect(statuses.filter((s) => s === 403)).toHaveLength(denied);
    await until(() => gate.lines.filter((l) => l['msg'] === 'close').length >= allowed + denied);

    const deciders = new Set(gate.lines.filter((l) => l['msg'] === 'decision').map((l) => l['pid']));
    expect([...deciders].sort()).toEqual([...pids].sort());
    expect(gate.unparsed).toEqual([]);

    // The transparent listener's port is shared the same way.
    const plain = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const res = await request(`http://127.0.0.1:${transparentPort(gate)}/`, {
          headers: { host: 'plain.ops.test' },
        });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    expect(new Set(plain)).toEqual(new Set([403]));
    await until(() => decisionsFor(gate, 'plain.ops.test').length >= 24);
    const transparentDeciders = new Set(decisionsFor(gate, 'plain.ops.test').map((l) => l['pid']));
    expect([...transparentDeciders].sort()).toEqual([...pids].sort());
    expect(decisionsFor(gate, 'spread.ops.test')).toHaveLength(allowed);
    expect(decisionsFor(gate, 'denied.ops.test')).toHaveLength(denied);

    const decisions = (labels: Record<string, string>): Promise<number> =>
      scrape(gate.adminPort, 'egressgate_decisions_total', labels);
    expect(await decisions({ decision: 'allow', listener: 'explicit' })).toBe(allowed);
    expect(await decisions({ decision: 'deny', listener: 'explicit' })).toBe(denied);
    expect(await decisions({ decision: 'deny', listener: 'transparent-http' })).toBe(24);
    expect(await scrape(gate.adminPort, 'egressgate_workers')).toBe(2);
    // One policy in force, not one per worker.
    expect(await scrape(gate.adminPort, 'egressgate_policy_info', { group: 'local' })).toBe(1);
    const deniedTable = (await (await request(`http://127.0.0.1:${gate.adminPort}/denied`)).body.json()) as {
      destinations: { host: string; count: number }[];
    };
    expect(deniedTable.destinations.find((d) => d.host === 'denied.ops.test')?.count).toBe(denied);

    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
  });

  it('SIGHUP and a file change reload every worker; a broken profile is refused by all of them', async () => {
    const gate = await start({ name: 'reload' });
    const pids = await readyWorkerPids(gate, 2);
    expect(await statusOf(gate, 'new.ops.test:443')).toBe(403);

    await policy.allow(['spread.ops.test', 'new.ops.test']);
    gate.child.kill('SIGHUP');
    await gate.waitForLine(
      (l) => l['event'] === 'policy_reload' && l['trigger'] === 'SIGHUP' && l['result'] === 'success',
    );
    // Enough connections that both workers decide some; a worker still on the old policy would say 403.
    const statuses = await Promise.all(Array.from({ length: 30 }, () => statusOf(gate, 'new.ops.test:443')));
    expect(new Set(statuses)).toEqual(new Set([200]));
    await until(() => decisionsFor(gate, 'new.ops.test').length >= 31);
    const allowedBy = new Set(
      decisionsFor(gate, 'new.ops.test')
        .filter((l) => l['decision'] === 'allow')
        .map((l) => l['pid']),
    );
    expect([...allowedBy].sort()).toEqual([...pids].sort());

    await policy.writeRaw(`name: ${PROFILE}\nrules:\n  - id: x\n    hosts: ['*.com']\n    ports: [443]\n`);
    const failure = await gate.waitForLine(
      (l) => l['event'] === 'policy_reload' && l['result'] === 'failure',
    );
    expect(failure).toMatchObject({ level: 'error', trigger: 'file change' });
    expect(String(failure['file'])).toContain(`${PROFILE}.yaml`);
    const after = await Promise.all(Array.from({ length: 30 }, () => statusOf(gate, 'new.ops.test:443')));
    expect(new Set(after)).toEqual(new Set([200]));
    expect(await scrape(gate.adminPort, 'egressgate_policy_reloads_total', { result: 'success' })).toBe(1);
    expect(await scrape(gate.adminPort, 'egressgate_policy_reloads_total', { result: 'failure' })).toBe(1);

    await policy.allow(['spread.ops.test']);
    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
  });

  it('SIGTERM drains a tunnel on each worker: /readyz 503, port closed, tunnels finish, exit 0', async () => {
    const gate = await start({ name: 'drain' });
    const pids = await readyWorkerPids(gate, 2);
    const tunnels = await tunnelOnEachWorker(gate, 'spread.ops.test:443', pids);
    expect([...tunnels.keys()].sort()).toEqual([...pids].sort());

    gate.child.kill('SIGTERM');
    await until(
      () => gate.lines.filter((l) => l['event'] === 'shutdown' && l['msg'] === 'draining').length >= 3,
    );
    const ready = await request(`http://127.0.0.1:${gate.adminPort}/readyz`);
    expect(ready.statusCode).toBe(503);
    await ready.body.dump();
    expect(await isRefused(gate.proxyPort)).toBe(true);
    for (const tunnel of tunnels.values())
      expect(await tunnel.roundTrip('during drain')).toBe('during drain');
    expect(gate.child.exitCode).toBeNull();

    for (const tunnel of tunnels.values()) tunnel.socket.end();
    expect(await gate.exited).toBe(0);
    const closes = gate.lines.filter((l) => l['msg'] === 'close' && l['closeReason'] === 'client_closed');
    expect(new Set(closes.map((l) => l['pid']))).toEqual(new Set(pids));
    const stopped = gate.lines.filter((l) => l['event'] === 'shutdown' && l['msg'] === 'stopped');
    expect(new Set(stopped.map((l) => l['pid']))).toEqual(new Set([...pids, gate.child.pid]));
    expect(gate.lines.at(-1)).toMatchObject({ event: 'shutdown', msg: 'stopped', pid: gate.child.pid });
  });

  it('a killed worker is started again and serves; one that keeps dying stops the gateway with exit 1', async () => {
    const gate = await start({ name: 'restart', drainTimeoutMs: 1000 });
    const [first] = await readyWorkerPids(gate, 2);
    process.kill(Number(first), 'SIGKILL');
    const exit = await gate.waitForLine((l) => l['event'] === 'worker_exit');
    expect(exit).toMatchObject({ level: 'error', workerPid: first, signal: 'SIGKILL' });
    const pids = await readyWorkerPids(gate, 3);
    expect(new Set(pids).size).toBe(3);
    expect(await scrape(gate.adminPort, 'egressgate_worker_restarts_total')).toBe(1);
    expect((await request(`http://127.0.0.1:${gate.adminPort}/readyz`)).statusCode).toBe(200);
    expect(await statusOf(gate, 'spread.ops.test:443')).toBe(200);

    // Five restarts within a minute are allowed; the sixth exit is a crash loop.
    for (let n = 3; n <= 7; n++) {
      const latest = await readyWorkerPids(gate, n);
      process.kill(Number(latest.at(-1)), 'SIGKILL');
      if (n < 7) await readyWorkerPids(gate, n + 1);
    }
    const fatal = await gate.waitForLine((l) => l['event'] === 'worker_exit' && l['level'] === 'fatal');
    expect(fatal['msg']).toBe('workers keep exiting; stopping the gateway');
    expect(await gate.exited).toBe(1);
  }, 180_000);
});

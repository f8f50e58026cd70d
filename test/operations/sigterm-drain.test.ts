import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayKind } from '../../src/net/native-relay.js';
import { describeRelays } from '../support/relays.js';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel, connectStatus, isRefused } from '../support/open-tunnel.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from './ops-fixture.js';
import { spawnServe, type ServeProcess } from './spawn-serve.js';

let upstream: Upstream;
let policy: PolicyDir;
const running: ServeProcess[] = [];

beforeAll(async () => {
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['drain.ops.test']);
});

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await upstream.close();
  await policy.remove();
});

async function serve(drainTimeoutMs: number, relay?: RelayKind): Promise<ServeProcess> {
  const file = join(policy.dir, `serve-${drainTimeoutMs}-${relay ?? 'default'}.yaml`);
  await writeFile(
    file,
    [
      'listen: 127.0.0.1:0',
      'admin: 127.0.0.1:0',
      `policies: ${policy.dir}`,
      `profiles: [${PROFILE}]`,
      `connectTo: ['::127.0.0.1:${upstream.port}']`,
      `drainTimeoutMs: ${drainTimeoutMs}`,
      ...(relay === undefined ? [] : [`relay: ${relay}`]),
      '',
    ].join('\n'),
  );
  const p = await spawnServe(file);
  running.push(p);
  return p;
}

describe('reload in the real process', () => {
  it('reloads on SIGHUP, and keeps the old policy when a profile file turns invalid', async () => {
    const gate = await serve(1000);
    expect(await connectStatus(gate.proxyPort, 'new.ops.test:443')).toBe(403);
    const tunnel = await openTunnel(gate.proxyPort, 'drain.ops.test:443');

    await policy.allow(['drain.ops.test', 'new.ops.test']);
    gate.child.kill('SIGHUP');
    await gate.waitForLine(
      (l) => l['event'] === 'policy_reload' && l['trigger'] === 'SIGHUP' && l['result'] === 'success',
    );
    expect(await connectStatus(gate.proxyPort, 'new.ops.test:443')).toBe(200);

    // The directory watch (no signal) picks up the broken file: error with file and line, old policy kept.
    await policy.writeRaw(`name: ${PROFILE}\nrules:\n  - id: x\n    hosts: ['*.com']\n    ports: [443]\n`);
    const failure = await gate.waitForLine(
      (l) => l['event'] === 'policy_reload' && l['result'] === 'failure',
    );
    expect(failure).toMatchObject({ level: 'error', trigger: 'file change' });
    expect(String(failure['file'])).toContain(`${PROFILE}.yaml`);
    expect(await connectStatus(gate.proxyPort, 'new.ops.test:443')).toBe(200);
    expect(await tunnel.roundTrip('still here')).toBe('still here');

    await policy.allow(['drain.ops.test']);
    tunnel.socket.end();
    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
  });
});

describeRelays('SIGTERM with a tunnel open (real CLI)', (relay) => {
  it('says in the start line which relay and which heap thresholds are in force', async () => {
    const gate = await serve(1_000, relay);
    const start = await gate.waitForLine((l) => l['event'] === 'start');
    // The addon sets the thresholds when it loads; the js relay run loads it too (SO_ORIGINAL_DST).
    expect(start).toMatchObject({ relay, heapTuning: 'mallopt', trimThreshold: 64 * 1024 * 1024 });
    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
  });

  it('stops accepting, turns /readyz 503, lets the tunnel finish, and exits 0', async () => {
    const gate = await serve(20_000, relay);
    expect((await request(`http://127.0.0.1:${gate.adminPort}/readyz`)).statusCode).toBe(200);
    const tunnel = await openTunnel(gate.proxyPort, 'drain.ops.test:443');
    expect(tunnel.status).toBe(200);
    expect(await tunnel.roundTrip('before')).toBe('before');

    gate.child.kill('SIGTERM');
    await gate.waitForLine((l) => l['event'] === 'shutdown' && l['msg'] === 'draining');
    const ready = await request(`http://127.0.0.1:${gate.adminPort}/readyz`);
    expect(ready.statusCode).toBe(503);
    await ready.body.dump();
    expect(await isRefused(gate.proxyPort)).toBe(true);
    expect(await tunnel.roundTrip('during drain')).toBe('during drain');
    expect(gate.child.exitCode).toBeNull();

    tunnel.socket.end();
    expect(await gate.exited).toBe(0);
    const close = gate.lines.find((l) => l['msg'] === 'close' && l['host'] === 'drain.ops.test');
    expect(close).toMatchObject({
      decision: 'allow',
      closeReason: 'client_closed',
      bytesOut: 18,
      bytesIn: 18,
    });
    expect(gate.lines.at(-1)).toMatchObject({ event: 'shutdown', msg: 'stopped' });
  });

  it('closes a tunnel still open at the drain timeout and exits 0', async () => {
    const gate = await serve(300, relay);
    const tunnel = await openTunnel(gate.proxyPort, 'drain.ops.test:443');
    expect(await tunnel.roundTrip('hold')).toBe('hold');
    const tunnelClosed = new Promise<void>((resolve) => tunnel.socket.once('close', () => resolve()));
    gate.child.kill('SIGTERM');
    await tunnelClosed;
    expect(await gate.exited).toBe(0);
    expect(gate.lines.find((l) => l['msg'] === 'close' && l['host'] === 'drain.ops.test')).toMatchObject({
      closeReason: 'drained',
    });
  });
});

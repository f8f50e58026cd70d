import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel, connectStatus } from '../support/open-tunnel.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from './ops-fixture.js';
import { spawnServe } from './spawn-serve.js';

let upstream: Upstream;
let policy: PolicyDir;
let configDir: string;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['one.ops.test']);
  await writeFile(
    join(policy.dir, 'ops-other.yaml'),
    [
      'name: ops-other',
      'description: the profile a config change switches to',
      'sources:',
      "  - id: '000'",
      '    title: egressgate test suite',
      'include: []',
      'parameters: {}',
      'rules:',
      '  - id: other',
      "    hosts: ['two.ops.test']",
      '    ports: [443]',
      "    provenance: { document: '000' }",
      '',
    ].join('\n'),
  );
  configDir = await mkdtemp(join(tmpdir(), 'eg-config-'));
});

afterAll(async () => {
  await upstream.close();
  await policy.remove();
  await rm(configDir, { recursive: true, force: true });
});

function config(profile: string, extra = ''): string {
  return [
    'listen: 127.0.0.1:0',
    'admin: 127.0.0.1:0',
    `policies: ${policy.dir}`,
    `profiles: [${profile}]`,
    `connectTo: ['::127.0.0.1:${upstream.port}']`,
    extra,
    '',
  ].join('\n');
}

describe('config file change (real CLI)', () => {
  it('applies a changed profile list to new connections, and keeps it when the config turns invalid', async () => {
    const file = join(configDir, 'egressgate.yaml');
    await writeFile(file, config(PROFILE));
    const gate = await spawnServe(file);
    const tunnel = await openTunnel(gate.proxyPort, 'one.ops.test:443');
    expect(await tunnel.roundTrip('one')).toBe('one');
    expect(await connectStatus(gate.proxyPort, 'two.ops.test:443')).toBe(403);

    await writeFile(file, config('ops-other'));
    await gate.waitForLine((l) => l['event'] === 'policy_reload' && l['result'] === 'success');
    expect(await connectStatus(gate.proxyPort, 'two.ops.test:443')).toBe(200);
    expect(await connectStatus(gate.proxyPort, 'one.ops.test:443')).toBe(403);
    expect(await tunnel.roundTrip('still open')).toBe('still open');

    await writeFile(file, config('ops-other', 'mode: sometimes'));
    const failure = await gate.waitForLine(
      (l) => l['event'] === 'policy_reload' && l['result'] === 'failure',
    );
    expect(failure).toMatchObject({ level: 'error', file, line: 6 });
    expect(await connectStatus(gate.proxyPort, 'two.ops.test:443')).toBe(200);

    tunnel.socket.end();
    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
  });
});

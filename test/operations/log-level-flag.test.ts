import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel } from '../support/open-tunnel.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from './ops-fixture.js';
import { spawnServe } from './spawn-serve.js';

let upstream: Upstream;
let policy: PolicyDir;
let configFile: string;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['quiet.ops.test']);
  configFile = join(policy.dir, 'serve.yaml');
  await writeFile(
    configFile,
    `listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\npolicies: ${policy.dir}\nprofiles: [${PROFILE}]\nconnectTo: ['::127.0.0.1:${upstream.port}']\n`,
  );
});

afterAll(async () => {
  await upstream.close();
  await policy.remove();
});

describe('serve --log-level', () => {
  it('rejects an unknown level with exit 2', async () => {
    const result = await runCli(['serve', '--config', configFile, '--log-level', 'verbose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('log level "verbose"');
  });

  // Decision and close lines are what an operator audits: the log level governs the other messages
  // (start-up, errors, debug), `--log-decisions` governs these.
  it('at warn still writes allow and deny decision lines, but no start-up message, as JSON', async () => {
    const gate = await spawnServe(configFile, ['--log-level', 'warn']);
    const allowed = await openTunnel(gate.proxyPort, 'quiet.ops.test:443');
    expect(await allowed.roundTrip('x')).toBe('x');
    expect((await openTunnel(gate.proxyPort, 'loud.ops.test:443')).status).toBe(403);
    const denial = await gate.waitForLine((l) => l['msg'] === 'decision' && l['decision'] === 'deny');
    expect(denial).toMatchObject({ level: 'warn', host: 'loud.ops.test' });
    allowed.socket.end();
    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
    const allow = gate.lines.find((l) => l['msg'] === 'decision' && l['decision'] === 'allow');
    expect(allow).toMatchObject({ level: 'info', host: 'quiet.ops.test' });
    expect(
      gate.lines.filter((l) => l['level'] === 'info' && !['decision', 'close'].includes(String(l['msg']))),
    ).toEqual([]);
  });

  it('--log-decisions deny leaves out allowed connections, at any level', async () => {
    const gate = await spawnServe(configFile, ['--log-decisions', 'deny']);
    const allowed = await openTunnel(gate.proxyPort, 'quiet.ops.test:443');
    expect(await allowed.roundTrip('x')).toBe('x');
    expect((await openTunnel(gate.proxyPort, 'loud.ops.test:443')).status).toBe(403);
    await gate.waitForLine((l) => l['msg'] === 'decision' && l['decision'] === 'deny');
    allowed.socket.end();
    gate.child.kill('SIGTERM');
    expect(await gate.exited).toBe(0);
    expect(gate.lines.filter((l) => l['host'] === 'quiet.ops.test')).toEqual([]);
    expect(gate.lines.find((l) => l['event'] === 'start')).toBeDefined();
  });
});

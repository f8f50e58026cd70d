import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { startHttpUpstream, type Upstream } from '../support/start-upstream.js';
import { labPoliciesDir } from './lab-fixture.js';
import { spawnCli, type RunningCli } from './spawn-cli.js';

const running: RunningCli[] = [];
const upstreams: Upstream[] = [];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await Promise.all(upstreams.map((u) => u.close()));
});

async function serve(...flags: string[]): Promise<string> {
  const cli = spawnCli([
    'serve',
    '--policies',
    labPoliciesDir,
    '--profile',
    'lab-sim',
    '--set',
    'region=westeurope',
    '--listen',
    '127.0.0.1:0',
    '--admin',
    '127.0.0.1:0',
    ...flags,
  ]);
  running.push(cli);
  const match = await cli.waitForStderr(/proxy on (127\.0\.0\.1:\d+)/);
  return `http://${match[1] ?? ''}`;
}

describe('serve --deny-style and --latency', () => {
  it('--deny-style reset resets denied connections', async () => {
    const proxy = await serve('--deny-style', 'reset');
    const r = await runCommand('curl', [
      '-sS',
      '--max-time',
      '5',
      '-x',
      proxy,
      'https://denied.example.test/',
    ]);
    expect(r.code).toBe(56);
    expect(r.stderr).toMatch(/reset by peer/i);
  });

  it('--latency delays allowed connections by at least MS', async () => {
    const upstream = await startHttpUpstream('crl');
    upstreams.push(upstream);
    const proxy = await serve(
      '--latency',
      '500',
      '--connect-to',
      `crl.microsoft.com:80:127.0.0.1:${upstream.port}`,
    );
    const started = performance.now();
    const r = await runCommand('curl', [
      '-sS',
      '--max-time',
      '5',
      '-x',
      proxy,
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://crl.microsoft.com/',
    ]);
    expect(r.stdout).toBe('200');
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('rejects an unknown deny style and a latency that is not a number (exit 2)', async () => {
    const style = await runCli(['serve', '--deny-style', 'silent', '--listen', '127.0.0.1:0']);
    expect(style.code).toBe(2);
    expect(style.stderr).toMatch(/--deny-style must be forbidden, reset or drop, not "silent"/);
    const latency = await runCli(['serve', '--latency', '1s', '--listen', '127.0.0.1:0']);
    expect(latency.code).toBe(2);
    expect(latency.stderr).toMatch(/--latency must be a whole number of milliseconds/);
  });
});

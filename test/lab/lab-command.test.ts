import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { labPoliciesDir } from './lab-fixture.js';
import { spawnCli, type RunningCli } from './spawn-cli.js';

const running: RunningCli[] = [];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

describe('egressgate lab endpoints', () => {
  it('prints the proxy, the CA it wrote and a curl example that works as printed', async () => {
    const caOut = join(mkdtempSync(join(tmpdir(), 'egressgate-lab-cli-')), 'ca.pem');
    const cli = spawnCli([
      'lab',
      'endpoints',
      '--policies',
      labPoliciesDir,
      '--profile',
      'lab-sim',
      '--set',
      'region=northeurope',
      '--sample-label',
      'rehearsal',
      '--listen',
      '127.0.0.1:0',
      '--ca-out',
      caOut,
    ]);
    running.push(cli);
    const [, example = ''] = await cli.waitForStderr(/try:\n\s+(curl [^\n]+)\n/);
    const banner = cli.stderr();
    expect(banner).toMatch(/proxy: +http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toContain(`lab CA:      ${caOut}`);
    expect(banner).toMatch(/rehearsal\.servicebus\.windows\.net +443 +lab-sim\/relay +\(sample name\)/);
    expect(banner).toContain('northeurope.dp.kubernetesconfiguration.azure.com');
    expect(readFileSync(caOut, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(example).toContain(`--cacert ${caOut} https://management.azure.com/`);

    const [command = '', ...args] = example.split(' ');
    const result = await runCommand(command, ['-sS', '--max-time', '10', ...args]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ host: 'management.azure.com', tls: true });

    expect(await cli.stop()).toBe(0);
  });

  it('exits 2 with a message for a missing profile, a bad sample label or a missing parameter', async () => {
    const noProfile = await runCli(['lab', 'endpoints', '--listen', '127.0.0.1:0']);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toMatch(/--profile NAME is required/);
    const label = await runCli([
      'lab',
      'endpoints',
      '--policies',
      labPoliciesDir,
      '--profile',
      'lab-sim',
      '--sample-label',
      'a.b',
    ]);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/--sample-label "a\.b": expected one DNS label/);
    const parameter = await runCli([
      'lab',
      'endpoints',
      '--policies',
      labPoliciesDir,
      '--profile',
      'lab-sim',
    ]);
    expect(parameter.code).toBe(2);
    expect(parameter.stderr).toMatch(/region/);
  });
});

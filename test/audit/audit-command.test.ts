import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/audit-report.js';
import { fixturePolicies, goldenDir, sessionLog } from './audit-fixture.js';
import { runCli } from '../support/run-cli.js';

const whatIf = ['--policies', fixturePolicies, '--profile', 'arc-agents-v2', '--set', 'region=westeurope'];

describe('egressgate audit (CLI)', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-audit-cli-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads gzip from stdin and writes the golden JSON report', async () => {
    const gz = gzipSync(await readFile(sessionLog));
    const r = await runCli(['audit', ...whatIf, '--format', 'json', '-'], { stdin: gz });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 malformed line(s) skipped');
    const golden = (await readFile(join(goldenDir, 'audit-whatif.json'), 'utf8')).replaceAll(
      'session.log',
      '-',
    );
    // The suggestion names its source; stdin is "-".
    expect(r.stdout).toBe(golden);
  });

  it('writes the table format to --out, filtered to one client group', async () => {
    const out = join(tmp, 'report.txt');
    const r = await runCli(['audit', '--group', '-', '--out', out, sessionLog]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = await readFile(out, 'utf8');
    expect(text).toContain('1 connection(s) to 1 destination(s) from 1 client group(s)');
    expect(text).toMatch(
      /www\.example\.org:443 +1 +1 +192\.168\.7\.20 \(1\) +0 B +0 B .* deny +client_not_allowed/,
    );
    expect(text).not.toContain('arc-nodes  ');
  });

  it('reports an unreadable input, still audits the others, and exits 2', async () => {
    const r = await runCli(['audit', '--format', 'json', join(tmp, 'missing.log'), sessionLog]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.log: no such file');
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.inputs.map((i) => [i.file, i.error])).toEqual([
      ['missing.log', 'missing.log: no such file'],
      ['session.log', null],
    ]);
    expect(report.totals.connections).toBe(22);
  });

  it('keeps the lines before a truncated gzip and says where it stopped', async () => {
    const plain = await readFile(sessionLog);
    const gz = gzipSync(Buffer.concat([plain, plain, plain, plain]));
    const cut = join(tmp, 'cut.log.gz');
    await writeFile(cut, gz.subarray(0, gz.length - 40));
    const r = await runCli(['audit', '--format', 'json', cut]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.inputs[0]?.error).toBe('cut.log.gz: truncated gzip data');
    expect(report.inputs[0]?.lines).toBeGreaterThan(100);
  });

  it.each([
    [['--profile', 'no-such-profile', sessionLog], /no profile 'no-such-profile'/],
    [['--profile', 'arc-agents-v2', '--policies', fixturePolicies, sessionLog], /region/],
    [['--set', 'region=westeurope', sessionLog], /--set needs --profile/],
    [['--wildcard-min', '1', sessionLog], /a whole number from 2/],
  ])('exits 2 with a message for bad usage %#', async (args, message) => {
    const r = await runCli(['audit', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

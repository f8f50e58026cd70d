import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type ReportFormat } from '../../src/audit/render-report.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { auditSession, goldenDir, sessionLog } from './audit-fixture.js';

// UPDATE_GOLDEN=1 npx vitest run test/audit rewrites the files; review the diff before committing.
async function expectGolden(name: string, actual: string): Promise<void> {
  const file = join(goldenDir, name);
  if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

describe('egressgate audit of a recorded report-mode session', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-audit-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  for (const [scenario, whatIf] of [
    ['recorded', false],
    ['whatif', true],
  ] as const) {
    for (const [format, ext] of [
      ['table', 'txt'],
      ['json', 'json'],
      ['markdown', 'md'],
      ['html', 'html'],
    ] as const satisfies readonly (readonly [ReportFormat, string])[]) {
      it(`matches test/golden/audit-${scenario}.${ext}`, async () => {
        const report = await auditSession({ whatIf });
        await expectGolden(`audit-${scenario}.${ext}`, renderReport(report, format));
      });
    }
  }

  it('counts the malformed line and keeps going', async () => {
    const report = await auditSession({ whatIf: false });
    expect(report.malformed.count).toBe(1);
    expect(report.malformed.examples[0]).toMatchObject({ file: 'session.log', line: 30, error: 'not JSON' });
    expect(report.inputs[0]).toMatchObject({
      lines: 46,
      decisions: 22,
      closes: 21,
      otherLines: 2,
      error: null,
    });
  });

  it('pairs close lines with decision lines by conn for bytes', async () => {
    const report = await auditSession({ whatIf: false });
    const arc = report.groups.find((g) => g.group === 'arc-nodes');
    const registry = arc?.destinations.find((d) => d.host === 'registry-1.docker.io');
    expect(registry).toMatchObject({
      connections: 3,
      bytesOut: 2820 + 3010 + 2990,
      bytesIn: 9144 + 11020 + 10870,
    });
    expect(registry?.firstSeen).toBe('2026-11-16T09:00:05.200Z');
    expect(report.totals.openConnections).toBe(1);
    expect(report.totals.unpairedCloses).toBe(0);
  });

  it('reads a gzip copy of the log (detected by magic bytes, not by name) to the same report', async () => {
    const plain = await readFile(sessionLog);
    const gz = join(tmp, 'session.log.1');
    await writeFile(gz, gzipSync(plain));
    const fromGzip = await auditSession({ whatIf: true, files: [gz] });
    const fromPlain = await auditSession({ whatIf: true });
    const strip = (s: string): string => s.replaceAll('session.log.1', 'session.log');
    expect(strip(renderReport(fromGzip, 'json'))).toBe(renderReport(fromPlain, 'json'));
  });

  it('suggests a profile that loads and allows every destination the what-if still denies', async () => {
    const report = await auditSession({ whatIf: true });
    expect(report.suggestion.yaml).not.toBeNull();
    await writeFile(join(tmp, 'audit-suggested.yaml'), report.suggestion.yaml ?? '');
    const both = await loadPolicy({
      dir: tmp,
      profiles: ['audit-suggested'],
      parameters: {},
    });
    const stillDenied = report.whatIf?.denied ?? [];
    expect(stillDenied.length).toBeGreaterThan(0);
    const findings = new Set(report.suggestion.findings.map((f) => `${f.host}:${f.port}`));
    for (const d of stillDenied) {
      if (findings.has(`${d.host}:${d.port}`)) continue;
      expect(decide(both, { host: d.host, port: d.port }, 'enforce'), `${d.host}:${d.port}`).toMatchObject({
        verdict: 'allow',
        profile: 'audit-suggested',
      });
    }
    // ubuntu.com is named by no document row: its three one-off names are findings, not *.ubuntu.com;
    // the documentation address 203.0.113.50 is never suggested.
    expect(report.suggestion.findings.map((f) => f.host)).toEqual([
      '203.0.113.50',
      'archive.ubuntu.com',
      'changelogs.ubuntu.com',
      'ghcr.io',
      'production.cloudflare.docker.com',
      'security.ubuntu.com',
    ]);
    expect(report.suggestion.rules.flatMap((r) => r.hosts ?? r.cidrs)).toEqual([
      'index.docker.io',
      'login.microsoftonline.com',
      'mcr.microsoft.com',
    ]);
    expect(decide(both, { host: 'www.example.org', port: 443 }, 'enforce').verdict).toBe('deny');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuditReport } from '../../src/audit/build-audit-report.js';
import { readAuditInputs } from '../../src/audit/read-audit-inputs.js';
import { renderReport } from '../../src/audit/render-report.js';

// Log fields come from clients (names, paths) or from whoever can write the log file: hostile input.
const evilHost = '<img src=x onerror=alert(1)>|x.example.com';
const lines = [
  {
    time: 1,
    event: 'decision',
    conn: 'a',
    group: '<b>grp</b>',
    host: evilHost,
    port: 443,
    decision: 'deny',
    reason: 'no_matching_rule',
    msg: 'decision',
  },
  {
    time: 2,
    event: 'decision',
    conn: 'b',
    group: null,
    host: 'ok.example.com',
    port: 80,
    path: '/"><script>',
    decision: 'report',
    reason: 'no_matching_rule',
    msg: 'decision',
  },
].map((l) => JSON.stringify(l));

describe('report formats with hostile log content', () => {
  let tmp = '';
  let report: ReturnType<typeof buildAuditReport>;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-escape-'));
    const file = join(tmp, 'evil.log');
    await writeFile(file, `${lines.join('\n')}\n<script>alert(2)</script>\n\u0007bell\u001b[2J\n`);
    const inputs = await readAuditInputs({ files: [file], stdin: Readable.from([]) });
    report = buildAuditReport(inputs, {
      policy: null,
      wildcardMin: 3,
      suggestName: 'audit-suggested',
      catalog: { rows: [], domains: new Set(['example.com']), sources: new Map() },
    });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('HTML escapes every log value and loads nothing external', () => {
    const html = renderReport(report, 'html');
    expect(html).not.toMatch(/<img|<script|<b>|<link|\ssrc="|\shref="|url\(/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;|x.example.com:443');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('<svg');
  });

  it('markdown keeps a hostile value inside its table cell and out of raw HTML', () => {
    const md = renderReport(report, 'markdown').split('\n');
    const header = md.findIndex((l) => l.startsWith('| client group | destination | decision'));
    const row = md.slice(header).find((l) => l.includes('onerror')) ?? '';
    // The pipe in the host is escaped, so the row has as many cells as the header.
    const cells = (l: string): number => l.replace(/\\\|/g, '').split('|').length;
    expect(cells(row)).toBe(cells(md[header] ?? ''));
    expect(row.startsWith('| &lt;b&gt;grp&lt;/b&gt; |')).toBe(true);
    expect(md).toContain('### &lt;b&gt;grp&lt;/b&gt;');
    // Outside code spans no tag survives; inside one (the malformed-line excerpt) it is shown literally.
    expect(md.join('\n').replace(/`[^`]*`/g, '')).not.toMatch(/<b>|<script|<img/);
  });

  it('quotes malformed lines without their control characters', () => {
    expect(report.malformed.examples.map((m) => m.excerpt)).toEqual([
      '<script>alert(2)</script>',
      '?bell?[2J',
    ]);
  });

  it('invalid host names get no suggested rule', () => {
    expect(report.suggestion.rules.flatMap((r) => r.hosts ?? [])).toEqual(['ok.example.com']);
  });
});

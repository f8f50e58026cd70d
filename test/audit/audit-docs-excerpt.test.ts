import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/run-cli.js';
import { goldenDir } from './audit-fixture.js';

/** The `## title...` sections of a markdown report, `deeper` heading levels down, without the text chart. */
function sections(markdown: string, titles: readonly string[], deeper: number): string {
  const out: string[] = [];
  let on = false;
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && /^#{2,3} /.test(line))
      on = titles.some((t) => line.startsWith(`## ${t}`)) || (on && line.startsWith('### '));
    if (on) out.push(line.startsWith('#') && !fenced ? `${'#'.repeat(deeper)}${line}` : line);
  }
  return out.join('\n').replace(/```text\n[\s\S]*?```\n\n/g, '');
}

async function formatted(markdown: string, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(markdown, { ...options, parser: 'markdown' });
}

// The examples in README and docs/audit.md are real output; these keep them so when the report changes.
describe('audit examples in the docs are what the CLI prints', () => {
  it('README: the recorded session audited against azure-arc-kubernetes', async () => {
    const r = await runCli([
      'audit',
      '--profile',
      'azure-arc-kubernetes',
      '--set',
      'region=westeurope',
      '--format',
      'markdown',
      join(repoRoot, 'docs/examples/recorded-session.jsonl'),
    ]);
    expect(r.code).toBe(0);
    const readme = join(repoRoot, 'README.md');
    const excerpt = await formatted(
      sections(r.stdout, ['Denied', 'Tighten', 'Suggested profile'], 2),
      readme,
    );
    expect(await readFile(readme, 'utf8')).toContain(excerpt.trim());
  });

  it('docs/audit.md: the fixture session replayed against the draft profile (the golden file)', async () => {
    const golden = await readFile(join(goldenDir, 'audit-whatif.md'), 'utf8');
    const doc = join(repoRoot, 'docs/audit.md');
    const excerpt = await formatted(sections(golden, ['What-if', 'Tighten'], 1), doc);
    expect(await readFile(doc, 'utf8')).toContain(excerpt.trim());
  });
});

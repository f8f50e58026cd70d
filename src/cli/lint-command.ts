import { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CLOUDS } from '../policy/cloud.js';
import { findRedundantRules } from '../policy/find-redundant-rules.js';
import { loadNamedProfile } from '../policy/load-policy.js';
import { resolveProfiles } from '../policy/resolve-profiles.js';
import { defaultPoliciesDir } from './default-policies-dir.js';
import { reportCliError } from './report-cli-error.js';

export function createLintCommand(): Command {
  return new Command('lint')
    .description(
      'Validate profiles and warn about rules made redundant by a broader rule; exit 1 on warnings, 2 on errors',
    )
    .argument('[path]', 'a profile file or a directory of them', defaultPoliciesDir())
    .action(async (path: string) => {
      process.exitCode = await lint(path);
    });
}

async function lint(path: string): Promise<number> {
  let files: string[];
  try {
    files = (await stat(path)).isDirectory()
      ? (await readdir(path))
          .filter((f) => f.endsWith('.yaml'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (err) {
    return reportCliError(err);
  }
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const dir = dirname(file);
    const name = basename(file, '.yaml');
    try {
      const profile = await loadNamedProfile(dir, name);
      const params = profile.document.parameters ?? {};
      // Required parameters get a sample value so that every pattern that uses them is checked too.
      const samples: Record<string, string> = {};
      for (const [key, p] of Object.entries(params)) {
        if (p.default === undefined) samples[key] = p.allowed?.[0] ?? sampleValue(p.pattern);
      }
      const clouds = params.cloud ? (params.cloud.allowed ?? CLOUDS) : [undefined];
      const reported = new Set<string>();
      for (const cloud of clouds) {
        const given = cloud ? { ...samples, cloud } : samples;
        const resolved = await resolveProfiles([name], given, (n) => loadNamedProfile(dir, n));
        for (const r of findRedundantRules(resolved.rules.filter((rule) => rule.profile === name))) {
          const key = `${r.rule}<${r.coveredBy}`;
          if (reported.has(key)) continue;
          reported.add(key);
          warnings++;
          process.stdout.write(
            `${file}: warning: rule '${r.rule}' is covered by the broader rule '${r.coveredBy}'\n`,
          );
        }
      }
      process.stdout.write(`${file}: ok\n`);
    } catch (err) {
      errors++;
      reportCliError(err);
    }
  }
  return errors ? 2 : warnings ? 1 : 0;
}

// A stand-in for a required parameter that its own pattern accepts, so lint reaches the rules using it.
function sampleValue(pattern: string | undefined): string {
  const candidates = ['lintsample', 'lint-sample', 'lint.example.com', 'x'];
  return candidates.find((c) => !pattern || new RegExp(pattern).test(c)) ?? 'lintsample';
}

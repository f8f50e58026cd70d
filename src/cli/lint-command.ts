import { Command } from 'commander';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CLOUDS } from '../policy/cloud.js';
import { findRedundantRules, type Redundancy } from '../policy/find-redundant-rules.js';
import { loadNamedProfile } from '../policy/load-policy.js';
import type { LoadedProfile } from '../policy/profile-document.js';
import { resolveProfiles } from '../policy/resolve-profiles.js';
import { collectList } from './collect.js';
import { policiesDirs } from './policies-dirs.js';
import { reportCliError } from './report-cli-error.js';

export function createLintCommand(): Command {
  return new Command('lint')
    .description(
      'Validate profiles and warn about rules made redundant by a broader rule (unless the rule says ' +
        'overlapOk: REASON); exit 0 clean, 1 on warnings, 2 on errors',
    )
    .argument('[path]', 'a profile file or a directory of them (default: every profile in --policies)')
    .option(
      '--policies <dir>',
      'directories whose profiles are linted when no path is given, and where includes are found (repeatable)',
      collectList,
      [],
    )
    .action(async (path: string | undefined, opts: { policies: string[] }) => {
      process.exitCode = await lint(path, opts.policies);
    });
}

async function listFiles(path: string): Promise<string[]> {
  return (await stat(path)).isDirectory()
    ? (await readdir(path))
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => join(path, f))
    : [path];
}

async function lint(path: string | undefined, policies: readonly string[]): Promise<number> {
  const files = new Map<string, string>();
  try {
    // Later directories replace a profile of the same name, as the loader does.
    for (const dir of path === undefined ? policiesDirs(policies) : [path]) {
      for (const file of await listFiles(dir)) files.set(basename(file), file);
    }
  } catch (err) {
    return reportCliError(err);
  }
  let errors = 0;
  let warnings = 0;
  for (const file of files.values()) {
    // The file's own directory last, so it is the one loaded for its name; includes may come from --policies.
    const dirs = [...policies, dirname(file)];
    const name = basename(file, '.yaml');
    try {
      const profile = await loadNamedProfile(dirs, name);
      const found = await findOverlaps(profile, name, dirs);
      const acknowledged = new Map(
        profile.document.rules.flatMap((r) => (r.overlapOk === undefined ? [] : [[r.id, r.overlapOk]])),
      );
      for (const r of found) {
        const reason = acknowledged.get(r.rule);
        if (reason !== undefined) continue;
        warnings++;
        process.stdout.write(
          `${file}: warning: rule '${r.rule}' is covered by the broader rule '${r.coveredBy}' ` +
            `(remove it, or add overlapOk: REASON to it)\n`,
        );
      }
      const covered = new Set(found.map((r) => r.rule));
      for (const [index, rule] of profile.document.rules.entries()) {
        if (rule.overlapOk === undefined || covered.has(rule.id)) continue;
        warnings++;
        const line = profile.locate(['rules', index, 'overlapOk']);
        process.stdout.write(
          `${file}${line === null ? '' : `:${line}`}: warning: rule '${rule.id}' says overlapOk, but no broader rule covers it; remove overlapOk\n`,
        );
      }
      const noted = found.filter((r) => acknowledged.has(r.rule)).length;
      process.stdout.write(`${file}: ok${noted > 0 ? ` (${noted} acknowledged overlap(s))` : ''}\n`);
    } catch (err) {
      errors++;
      reportCliError(err);
    }
  }
  return errors ? 2 : warnings ? 1 : 0;
}

/** Redundant rules of this profile under every cloud it supports, each pair once. */
async function findOverlaps(
  profile: LoadedProfile,
  name: string,
  dirs: readonly string[],
): Promise<Redundancy[]> {
  const params = profile.document.parameters ?? {};
  // Required parameters get a sample value so that every pattern that uses them is checked too.
  const samples: Record<string, string> = {};
  for (const [key, p] of Object.entries(params)) {
    if (p.default === undefined) samples[key] = p.allowed?.[0] ?? sampleValue(p.pattern);
  }
  const clouds = params.cloud ? (params.cloud.allowed ?? CLOUDS) : [undefined];
  const found = new Map<string, Redundancy>();
  for (const cloud of clouds) {
    const given = cloud ? { ...samples, cloud } : samples;
    const resolved = await resolveProfiles([name], given, (n) => loadNamedProfile(dirs, n));
    for (const r of findRedundantRules(resolved.rules.filter((rule) => rule.profile === name))) {
      found.set(`${r.rule}<${r.coveredBy}`, r);
    }
  }
  return [...found.values()];
}

// A stand-in for a required parameter that its own pattern accepts, so lint reaches the rules using it.
function sampleValue(pattern: string | undefined): string {
  const candidates = ['lintsample', 'lint-sample', 'lint.example.com', 'x'];
  return candidates.find((c) => !pattern || new RegExp(pattern).test(c)) ?? 'lintsample';
}

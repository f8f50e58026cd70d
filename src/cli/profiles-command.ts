import { Command, Option } from 'commander';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadProfileFile } from '../policy/load-profile-file.js';
import { collectKeyValue } from './collect.js';
import { EXPORT_FORMATS, runExport, type ExportFormat } from './export-unproxied.js';
import { POLICIES_FLAG, policiesDirs } from './policies-dirs.js';
import { reportCliError } from './report-cli-error.js';
import { showProfile } from './show-profile.js';

interface ParentOptions {
  policies: string[];
  json?: boolean;
}

/** `show` and `export` take --policies themselves too; the directories given before the subcommand come first. */
function dirsOf(cmd: Command, own: readonly string[]): readonly string[] {
  const parent = cmd.parent?.opts<ParentOptions>().policies ?? [];
  return policiesDirs([...parent, ...own]);
}

export function createProfilesCommand(): Command {
  const profiles = new Command('profiles')
    .description('List the profiles: names, descriptions, parameters')
    .option(...POLICIES_FLAG)
    .option('--json', 'JSON output')
    // Without this, `profiles show NAME --json` hands --json to `profiles` and prints text.
    .enablePositionalOptions()
    .action(async (opts: ParentOptions) => {
      process.exitCode = await listProfiles(policiesDirs(opts.policies), opts.json === true);
    });
  profiles
    .command('show')
    .description('Show the resolved rules of a profile with their provenance, and its unproxied entries')
    .argument('<name>', 'profile name')
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue, {})
    .option(...POLICIES_FLAG)
    .option('--json', 'JSON output')
    .action(
      async (
        name: string,
        opts: { set: Record<string, string>; policies: string[]; json?: boolean },
        cmd: Command,
      ) => {
        const json = opts.json === true || cmd.parent?.opts<ParentOptions>().json === true;
        process.exitCode = await showProfile(dirsOf(cmd, opts.policies), name, { set: opts.set, json });
      },
    );
  profiles
    .command('export')
    .description(
      "Print the profile's unproxied rows (NTP, DNS, UDP, service tags) as firewall rules to apply; exit 0 ok, 2 error",
    )
    .argument('<name>', 'profile name')
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue, {})
    .option(...POLICIES_FLAG)
    .addOption(
      new Option('-f, --format <format>', 'firewall rule format')
        .choices(EXPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .action(
      async (
        name: string,
        opts: { set: Record<string, string>; policies: string[]; format: ExportFormat },
        cmd: Command,
      ) => {
        process.exitCode = await runExport(dirsOf(cmd, opts.policies), name, opts);
      },
    );
  return profiles;
}

async function listProfiles(dirs: readonly string[], json: boolean): Promise<number> {
  // Later directories replace a profile of the same name, as the loader does.
  const files = new Map<string, string>();
  for (const dir of dirs) {
    try {
      for (const f of (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort()) {
        files.set(f, join(dir, f));
      }
    } catch (err) {
      return reportCliError(err);
    }
  }
  let code = 0;
  const rows = [];
  for (const file of [...files.keys()].sort()) {
    try {
      const { document } = await loadProfileFile(files.get(file) ?? file);
      rows.push({
        name: document.name,
        description: document.description,
        include: document.include ?? [],
        parameters: Object.entries(document.parameters ?? {}).map(([key, p]) => ({
          name: key,
          description: p.description,
          default: p.default ?? null,
          required: p.default === undefined,
          allowed: p.allowed ?? null,
          customerOwned: p.customerOwned === true,
        })),
      });
    } catch (err) {
      code = reportCliError(err);
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return code;
  }
  for (const row of rows) {
    process.stdout.write(`${row.name}\n  ${row.description}\n`);
    if (row.include.length) process.stdout.write(`  includes: ${row.include.join(', ')}\n`);
    for (const p of row.parameters) {
      const dflt = p.required ? 'required' : `default ${JSON.stringify(p.default)}`;
      const allowed = p.allowed ? `; one of ${p.allowed.join('|')}` : '';
      const own = p.customerOwned ? '; your own servers: names, IPs or CIDRs, private addresses allowed' : '';
      process.stdout.write(`  --set ${p.name}=…  ${p.description} (${dflt}${allowed}${own})\n`);
    }
  }
  return code;
}

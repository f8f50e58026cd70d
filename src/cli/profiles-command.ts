import { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { loadPolicy } from '../policy/load-policy.js';
import { loadProfileFile } from '../policy/load-profile-file.js';
import { collectKeyValue } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';
import { reportCliError } from './report-cli-error.js';

export function createProfilesCommand(): Command {
  const profiles = new Command('profiles')
    .description('List the profiles: names, descriptions, parameters')
    .option('--policies <dir>', 'directory of profiles', defaultPoliciesDir())
    .option('--json', 'JSON output')
    .action(async (opts: { policies: string; json?: boolean }) => {
      process.exitCode = await listProfiles(opts.policies, opts.json === true);
    });
  profiles
    .command('show')
    .description('Show the resolved rules of a profile with their provenance, and its unproxied entries')
    .argument('<name>', 'profile name')
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue, {})
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { set: Record<string, string>; json?: boolean }, cmd: Command) => {
      const parentOpts = cmd.parent?.opts<{ policies: string }>();
      process.exitCode = await showProfile(parentOpts?.policies ?? defaultPoliciesDir(), name, opts);
    });
  return profiles;
}

async function listProfiles(dir: string, json: boolean): Promise<number> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  } catch (err) {
    return reportCliError(err);
  }
  let code = 0;
  const rows = [];
  for (const file of files) {
    try {
      const { document } = await loadProfileFile(`${dir}/${file}`);
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

async function showProfile(
  dir: string,
  name: string,
  opts: { set: Record<string, string>; json?: boolean },
): Promise<number> {
  let policy;
  try {
    policy = await loadPolicy({ dir, profiles: [name], parameters: opts.set });
  } catch (err) {
    return reportCliError(err);
  }
  const view = {
    profiles: policy.profiles,
    parameters: policy.parameters,
    rules: policy.rules.map((r) => ({
      rule: `${r.profile}/${r.id}`,
      hosts: r.hosts,
      cidrs: r.cidrs,
      ports: r.ports,
      ...(r.paths ? { paths: r.paths } : {}),
      ...(r.servicetags ? { servicetags: r.servicetags } : {}),
      ...(r.protocol ? { protocol: r.protocol } : {}),
      purpose: r.purpose,
      provenance: r.provenance,
      privateDestinations: r.privateDestinations === true,
    })),
    inactive: policy.inactive,
    unproxied: policy.unproxied,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [
    `profiles: ${policy.profiles.join(', ')}`,
    `parameters: ${JSON.stringify(policy.parameters)}`,
    '',
  ];
  for (const r of view.rules) {
    const what = [...r.hosts, ...r.cidrs].join(' ');
    out.push(
      `${r.rule}  ${what}  ports ${r.ports.join(',')}${r.paths ? `  paths ${r.paths.join(',')}` : ''}${r.protocol ? `  protocol ${r.protocol}` : ''}${r.servicetags ? `  servicetags ${r.servicetags.join(',')}` : ''}`,
    );
    const p = r.provenance;
    out.push(
      `    ${r.purpose}${r.purpose ? ' — ' : ''}doc ${p.document}${p.section ? `, ${p.section}` : ''}${p.entry ? `: ${p.entry}` : ''}`,
    );
    if (r.privateDestinations) {
      out.push(
        '    your own servers: these names may resolve to private addresses (never metadata or loopback)',
      );
    }
  }
  if (view.inactive.length) {
    out.push('', 'inactive with these parameters:');
    for (const r of view.inactive) out.push(`  ${r.profile}/${r.id}: ${r.why}`);
  }
  if (view.unproxied.length) {
    out.push('', 'not proxied (open these on the firewall itself):');
    for (const u of view.unproxied) {
      out.push(
        `  ${u.profile}/${u.id}  ${u.protocol} ${u.destinations.join(' ')}  ports ${u.ports.join(',') || 'any'}  ${u.purpose}`,
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

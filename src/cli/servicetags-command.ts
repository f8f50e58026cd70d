import { Command, InvalidArgumentError } from 'commander';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadPolicy } from '../policy/load-policy.js';
import { buildRuleTagProfile } from '../servicetags/build-rule-tag-profile.js';
import { buildServiceTagProfile } from '../servicetags/build-service-tag-profile.js';
import { parseServiceTags } from '../servicetags/parse-service-tags.js';
import { selectServiceTags } from '../servicetags/select-service-tags.js';
import { collectKeyValue, collectList } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';
import { reportCliError } from './report-cli-error.js';

interface ImportOptions {
  tag?: string[];
  profile?: string[];
  set: Record<string, string>;
  policies: string;
  ports: string[];
  name?: string;
  out?: string;
}

/** `--ports 443,80 --ports 44300-44304` -> ['443', '80', '44300-44304']. */
function collectPorts(value: string, previous: readonly string[] = []): string[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d{1,5}(-\d{1,5})?$/.test(p))) {
    throw new InvalidArgumentError(
      "ports are numbers or ranges, comma separated (e.g. 443,80 or '44300-44304')",
    );
  }
  return [...previous, ...parts];
}

export function createServicetagsCommand(): Command {
  const command = new Command('servicetags').description(
    'Work with Azure service tags (IP ranges published by Microsoft)',
  );
  command
    .command('import')
    .description(
      'Write a profile with CIDR rules from Azure "IP Ranges and Service Tags" JSON, so service-tag openings ' +
        'can be enforced on IP-literal and transparent traffic; exit 0 ok, 2 error',
    )
    .argument('<file>', 'ServiceTags_Public_YYYYMMDD.json (or the sovereign-cloud file)')
    .option(
      '-t, --tag <name>',
      'service tag, NAME or NAME.REGION, e.g. AzureArcInfrastructure or AzureCloud.westeurope (repeatable)',
      collectList,
    )
    .option(
      '-p, --profile <name>',
      "instead of --tag: one CIDR rule per 'servicetags:' rule of these profiles, with its ports (repeatable)",
      collectList,
    )
    .option(
      '-s, --set <key=value>',
      'profile parameter for --profile, e.g. region=westeurope (repeatable)',
      collectKeyValue,
      {},
    )
    .option('--policies <dir>', 'directory of profiles for --profile', defaultPoliciesDir())
    .option(
      '--ports <ports>',
      'ports the rules allow (comma separated, repeatable; default 443)',
      collectPorts,
      [],
    )
    .option('--name <name>', 'profile name (default: from --out, else azure-service-tags)')
    .option('-o, --out <file>', 'write the profile here (must be named NAME.yaml) instead of stdout')
    .action(async (file: string, opts: ImportOptions) => {
      process.exitCode = await runImport(file, opts);
    });
  return command;
}

function profileName(opts: ImportOptions): string {
  if (opts.name !== undefined) return opts.name;
  if (opts.out !== undefined) return basename(opts.out).replace(/\.ya?ml$/, '');
  return opts.profile?.length === 1 ? `${opts.profile[0]}-service-tags` : 'azure-service-tags';
}

async function runImport(file: string, opts: ImportOptions): Promise<number> {
  if ((opts.tag === undefined) === (opts.profile === undefined)) {
    return reportCliError(
      new Error(
        'name the tags with --tag NAME, or the profiles whose service-tag rules to expand with --profile NAME (one of the two)',
      ),
    );
  }
  const name = profileName(opts);
  if (opts.out !== undefined && basename(opts.out) !== `${name}.yaml`) {
    return reportCliError(
      new Error(
        `--out ${opts.out}: the policy loader finds profile '${name}' only in a file named ${name}.yaml`,
      ),
    );
  }
  let yaml: string;
  let summary: string;
  try {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${file}: ${(err as Error).message}`);
    }
    const tagsFile = parseServiceTags(text, basename(file));
    let prefixes: string[];
    let rules: number;
    if (opts.profile !== undefined) {
      const policy = await loadPolicy({
        dir: opts.policies,
        profiles: opts.profile,
        parameters: opts.set,
        serviceTags: tagsFile,
      });
      const tagged = policy.rules.filter((r) => (r.servicetags ?? []).length > 0);
      if (tagged.length === 0) {
        throw new Error(
          `no active rule of ${opts.profile.join(', ')} names a service tag with these parameters`,
        );
      }
      yaml = buildRuleTagProfile(tagsFile, tagged, { name, sourceFile: basename(file) });
      prefixes = tagged.flatMap((r) => [...r.cidrs]);
      rules = tagged.length;
    } else {
      const tags = selectServiceTags(tagsFile, opts.tag ?? []);
      yaml = buildServiceTagProfile(tagsFile, tags, { name, sourceFile: basename(file), ports: opts.ports });
      prefixes = tags.flatMap((t) => [...t.addressPrefixes]);
      rules = tags.length;
    }
    await validateProfile(name, yaml);
    const v6 = prefixes.filter((p) => p.includes(':')).length;
    summary = `${rules} rule(s), ${prefixes.length} prefixes (${prefixes.length - v6} IPv4, ${v6} IPv6) from changeNumber ${tagsFile.changeNumber}`;
  } catch (err) {
    return reportCliError(err);
  }
  try {
    if (opts.out === undefined) process.stdout.write(yaml);
    else await writeFile(opts.out, yaml);
  } catch (err) {
    return reportCliError(new Error(`cannot write ${opts.out ?? 'stdout'}: ${(err as Error).message}`));
  }
  process.stderr.write(`egressgate servicetags: ${name}: ${summary}\n`);
  return 0;
}

/** The output must load exactly as a hand-written profile would; anything else is our bug, not the user's. */
async function validateProfile(name: string, yaml: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'egressgate-servicetags-'));
  try {
    await writeFile(join(dir, `${name}.yaml`), yaml);
    await loadPolicy({ dir, profiles: [name], parameters: {} });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

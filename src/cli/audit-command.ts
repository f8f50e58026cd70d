import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildAuditReport } from '../audit/build-audit-report.js';
import { createPolicyView } from '../audit/create-policy-view.js';
import { loadDocumentCatalog } from '../audit/document-catalog.js';
import { emitProfile } from '../audit/emit-profile.js';
import { readAuditInputs } from '../audit/read-audit-inputs.js';
import type { PolicyView } from '../audit/redecide-traffic.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../audit/render-report.js';
import { loadPolicy } from '../policy/load-policy.js';
import { parseProfileText } from '../policy/load-profile-file.js';
import { resolveProfiles } from '../policy/resolve-profiles.js';
import { collectKeyValue, collectList } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';
import { POLICIES_FLAG, policiesDirs } from './policies-dirs.js';
import { reportCliError } from './report-cli-error.js';

interface AuditOptions {
  profile: string[];
  set: Record<string, string>;
  policies: string[];
  format: ReportFormat;
  out?: string;
  wildcardMin: number;
  group: string[];
  suggestName: string;
  emitProfile?: string;
  accept: string[];
}

function parseWildcardMin(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 1000) {
    throw new InvalidArgumentError('a whole number from 2 (a wildcard over one name is just that name)');
  }
  return n;
}

function parseProfileName(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) throw new InvalidArgumentError('lower case letters, digits and -');
  return value;
}

export function createAuditCommand(): Command {
  return new Command('audit')
    .description(
      'Report on recorded traffic from decision logs: observation window, destinations per client group and client, ' +
        'denials with the closest document row, what-if, coverage and tighten against profiles, a suggested profile, ' +
        'and (--emit-profile) the allowlist of what was used; exit 0 ok, 2 error',
    )
    .argument('<logfiles...>', "decision logs (pino JSON lines, plain or gzip); '-' reads stdin")
    .option(
      '-p, --profile <name>',
      're-decide the traffic with this profile (repeatable): coverage and what-if',
      collectList,
      [],
    )
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue, {})
    .option(...POLICIES_FLAG)
    .addOption(new Option('-f, --format <format>', 'report format').choices(REPORT_FORMATS).default('table'))
    .option('-o, --out <file>', 'write the report here instead of stdout')
    .option(
      '--wildcard-min <n>',
      'distinct names under one parent before suggesting *.parent',
      parseWildcardMin,
      3,
    )
    .option(
      '--group <name>',
      "only this client group (repeatable; '-' = clients in no group)",
      collectList,
      [],
    )
    .option('--suggest-name <name>', 'name of the suggested profile', parseProfileName, 'audit-suggested')
    .option(
      '--emit-profile <file>',
      'write NAME.yaml: the used part of the --profile rules, narrowed to the names and ports seen, plus accepted suggestions',
    )
    .option(
      '--accept <id>',
      "add this suggested rule to the --emit-profile output (repeatable; 'all' for every one)",
      collectList,
      [],
    )
    .action(async (files: string[], opts: AuditOptions) => {
      process.exitCode = await runAudit(files, opts);
    });
}

async function runAudit(files: readonly string[], opts: AuditOptions): Promise<number> {
  if (files.filter((f) => f === '-').length > 1)
    return reportCliError(new Error("'-' (stdin) can be given once"));
  const emitName = opts.emitProfile === undefined ? null : basename(opts.emitProfile).replace(/\.yaml$/, '');
  if (opts.emitProfile !== undefined) {
    if (opts.profile.length === 0)
      return reportCliError(
        new Error('--emit-profile needs --profile: it narrows the rules of those profiles'),
      );
    if (emitName === null || !/^[a-z0-9][a-z0-9-]*$/.test(emitName) || !opts.emitProfile.endsWith('.yaml'))
      return reportCliError(
        new Error(
          `--emit-profile ${opts.emitProfile}: name it NAME.yaml (lower case, digits, -), the only name the loader reads`,
        ),
      );
  } else if (opts.accept.length > 0) {
    return reportCliError(new Error('--accept needs --emit-profile: it picks suggestions for that file'));
  }
  // The catalog of document rows: the shipped profiles and those given (a later one replaces the same name).
  const dirs = [...new Set([defaultPoliciesDir(), ...[opts.policies].flat()])];
  const catalog = await loadDocumentCatalog(dirs);
  let policy: PolicyView | null = null;
  if (opts.profile.length > 0) {
    try {
      const compiled = await loadPolicy({
        dir: policiesDirs(opts.policies),
        profiles: opts.profile,
        parameters: opts.set,
      });
      policy = createPolicyView(compiled, opts.profile, opts.set);
    } catch (err) {
      return reportCliError(err);
    }
  } else if (Object.keys(opts.set).length > 0) {
    return reportCliError(
      new Error('--set needs --profile: parameters belong to the profiles to re-decide with'),
    );
  }
  const inputs = await readAuditInputs({ files, stdin: process.stdin, groups: opts.group });
  const report = buildAuditReport(inputs, {
    policy,
    wildcardMin: opts.wildcardMin,
    suggestName: opts.suggestName,
    catalog,
  });
  if (opts.emitProfile !== undefined && emitName !== null && policy !== null) {
    try {
      const yaml = emitProfile(report, policy, catalog, { name: emitName, accept: opts.accept });
      // What is written always loads: checked with the loader's own parser and resolver first.
      const parsed = parseProfileText(yaml, opts.emitProfile);
      await resolveProfiles([emitName], {}, () => Promise.resolve(parsed));
      await writeFile(opts.emitProfile, yaml);
    } catch (err) {
      return reportCliError(err);
    }
  }
  const text = renderReport(report, opts.format);
  try {
    if (opts.out === undefined) process.stdout.write(text);
    else await writeFile(opts.out, text);
  } catch (err) {
    return reportCliError(new Error(`cannot write ${opts.out ?? 'stdout'}: ${(err as Error).message}`));
  }
  if (report.malformed.count > 0) {
    process.stderr.write(
      `egressgate audit: ${report.malformed.count} malformed line(s) skipped (listed in the report)\n`,
    );
  }
  const failed = report.inputs.filter((i) => i.error !== null);
  for (const i of failed) process.stderr.write(`egressgate audit: ${i.error ?? ''}\n`);
  // A log that could not be read makes the report incomplete: say so in the exit code too.
  return failed.length > 0 ? 2 : 0;
}

import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { decide, denial } from '../policy/decide.js';
import type { Decision, Mode } from '../policy/decision.js';
import { loadPolicy } from '../policy/load-policy.js';
import { parseTarget } from '../policy/parse-target.js';
import type { CompiledPolicy } from '../policy/compiled-policy.js';
import { collectKeyValue, collectList } from './collect.js';
import { findUnproxiedRow } from './find-unproxied-row.js';
import { POLICIES_FLAG, policiesDirs } from './policies-dirs.js';
import { reportCliError } from './report-cli-error.js';
import { resolveClientPolicy } from './resolve-client-policy.js';

interface CheckOptions {
  profile: string[];
  set: Record<string, string>;
  policies: string[];
  config?: string;
  client?: string;
  user?: string;
  json?: boolean;
}

export function createCheckCommand(): Command {
  return new Command('check')
    .description(
      'Decide targets (host:port or URL) against profiles; exit 0 all allowed, 1 any denied, 2 error',
    )
    .argument('<targets...>', "host:port, a URL, or '-' to read targets from stdin, one per line")
    .option('-p, --profile <name>', 'profile to apply (repeatable: the union)', collectList, [])
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue, {})
    .option(...POLICIES_FLAG)
    .option(
      '-c, --config <file>',
      'serve config: decide as a client group of this file would (with --client)',
    )
    .option('--client <addr>', 'client address whose group decides (needs --config)')
    .option('--user <name>', 'proxy user, for groups that name users (with --client)')
    .option('--json', 'one JSON object per target')
    .action(async (targets: string[], opts: CheckOptions) => {
      process.exitCode = await runCheck(targets, opts);
    });
}

interface Verdicts {
  readonly policy: CompiledPolicy | null;
  readonly mode: Mode;
  /** Shown after the target: which client group answered. */
  readonly group: string | null;
}

async function loadVerdicts(opts: CheckOptions): Promise<Verdicts> {
  if (opts.config === undefined) {
    if (opts.client !== undefined || opts.user !== undefined) {
      throw new Error('--client and --user pick a client group of a serve config: add --config FILE');
    }
    const dirs = policiesDirs(opts.policies);
    const policy = await loadPolicy({ dir: dirs, profiles: opts.profile, parameters: opts.set });
    return { policy, mode: 'enforce', group: null };
  }
  if (opts.profile.length > 0 || Object.keys(opts.set).length > 0) {
    throw new Error(
      '--config takes profiles and parameters from the client group; leave out --profile and --set',
    );
  }
  if (opts.client === undefined)
    throw new Error('--config needs --client ADDR: the client whose group decides');
  return resolveClientPolicy(opts.config, opts.client, opts.user, opts.policies);
}

async function runCheck(targets: readonly string[], opts: CheckOptions): Promise<number> {
  let verdicts: Verdicts;
  try {
    verdicts = await loadVerdicts(opts);
  } catch (err) {
    return reportCliError(err);
  }
  // A bare host is a mistake in what was typed, not a denial: the caller must say which port.
  const portless = targets.filter((t) => t !== '-' && isPortless(t));
  if (portless.length > 0) {
    return reportCliError(new Error(`'${portless[0] ?? ''}' has no port: write HOST:PORT or a URL`));
  }
  let denied = false;
  let usage = false;
  const emit = (target: string): void => {
    if (isPortless(target)) {
      usage = true;
      reportCliError(new Error(`'${target}' has no port: write HOST:PORT or a URL`));
      return;
    }
    const { line, allowed } = answer(target, verdicts, opts.json === true);
    if (!allowed) denied = true;
    process.stdout.write(`${line}\n`);
  };
  for (const target of targets) {
    if (target !== '-') {
      emit(target);
      continue;
    }
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (line.trim() !== '' && !line.trimStart().startsWith('#')) emit(line.trim());
    }
  }
  return usage ? 2 : denied ? 1 : 0;
}

function isPortless(target: string): boolean {
  const t = target.trim();
  return !t.includes('://') && /^(\[[0-9a-fA-F:.]+\]|[^:[\]/\s]+)$/.test(t);
}

function answer(target: string, verdicts: Verdicts, json: boolean): { line: string; allowed: boolean } {
  const parsed = parseTarget(target);
  const { policy, mode, group } = verdicts;
  const decision: Decision =
    parsed === null
      ? denial('invalid_target', mode)
      : policy === null
        ? denial('client_not_allowed', 'enforce')
        : decide(policy, parsed, mode);
  // A row the proxy cannot carry (NTP, DNS, service tags) is still denied here, but says where it belongs.
  const unproxied =
    decision.verdict === 'deny' && parsed !== null && policy !== null
      ? findUnproxiedRow(policy, parsed)
      : null;
  const reason = unproxied === null ? decision.reason : 'unproxied';
  const verdict = decision.verdict === 'allow' ? 'allow' : decision.enforced ? 'deny' : 'report';
  if (json) {
    const line = JSON.stringify({
      target,
      verdict: decision.verdict,
      reason,
      profile: unproxied?.profile ?? decision.profile,
      rule: unproxied?.id ?? decision.rule,
      ...(group === null ? {} : { group, mode }),
      ...(parsed ? { host: parsed.host, port: parsed.port } : {}),
    });
    return { line, allowed: decision.verdict === 'allow' };
  }
  const by = group === null ? '' : ` (group ${group})`;
  const line =
    decision.verdict === 'allow'
      ? `allow ${target} ${decision.profile}/${decision.rule}${by}`
      : unproxied !== null
        ? `${verdict} ${target} unproxied: open on the firewall (rule ${unproxied.id})${by}`
        : `${verdict} ${target} ${decision.reason}${by}`;
  // A report-mode group lets it through, but it is still what the allowlist lacks: it fails the check.
  return { line, allowed: decision.verdict === 'allow' };
}

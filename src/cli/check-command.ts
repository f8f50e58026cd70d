import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { decide } from '../policy/decide.js';
import { denial } from '../policy/decide.js';
import type { Decision } from '../policy/decision.js';
import { loadPolicy } from '../policy/load-policy.js';
import { parseTarget } from '../policy/parse-target.js';
import { collectKeyValue, collectList } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';
import { reportCliError } from './report-cli-error.js';

interface CheckOptions {
  profile: string[];
  set: Record<string, string>;
  policies: string;
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
    .option('--policies <dir>', 'directory of profiles', defaultPoliciesDir())
    .option('--json', 'one JSON object per target')
    .action(async (targets: string[], opts: CheckOptions) => {
      process.exitCode = await runCheck(targets, opts);
    });
}

async function runCheck(targets: readonly string[], opts: CheckOptions): Promise<number> {
  let policy;
  try {
    policy = await loadPolicy({ dir: opts.policies, profiles: opts.profile, parameters: opts.set });
  } catch (err) {
    return reportCliError(err);
  }
  let denied = false;
  const emit = (target: string): void => {
    const parsed = parseTarget(target);
    const decision: Decision = parsed
      ? decide(policy, parsed, 'enforce')
      : denial('invalid_target', 'enforce');
    if (decision.verdict === 'deny') denied = true;
    const line = opts.json
      ? JSON.stringify({
          target,
          verdict: decision.verdict,
          reason: decision.reason,
          profile: decision.profile,
          rule: decision.rule,
          ...(parsed ? { host: parsed.host, port: parsed.port } : {}),
        })
      : decision.verdict === 'allow'
        ? `allow ${target} ${decision.profile}/${decision.rule}`
        : `deny ${target} ${decision.reason}`;
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
  return denied ? 1 : 0;
}

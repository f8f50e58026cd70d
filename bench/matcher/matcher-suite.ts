import fs from 'node:fs';
import path from 'node:path';
import type { CompiledPolicy } from '../../src/policy/compiled-policy.js';
import { decide, type Target } from '../../src/policy/decide.js';
import { loadNamedProfile, loadPolicy } from '../../src/policy/load-policy.js';
import { createReferenceMatcher } from '../../src/policy/reference-matcher.js';
import { formatTable } from '../report/format-table.js';
import { repoRoot } from '../launch-egressgate.js';
import type { SuiteResult } from '../suite-result.js';
import { buildTargetMix } from './build-target-mix.js';
import { parametersFor } from './shipped-parameters.js';
import { timeDecisions, type Timing } from './time-decisions.js';
import { writeSyntheticProfile } from './write-synthetic-profile.js';

const TARGETS = 4096;
const SIZES = [100, 1_000, 10_000] as const;
const FAST = { rounds: 5, roundMs: 250, warmupMs: 300 };
const SLOW = { rounds: 3, roundMs: 150, warmupMs: 50 };
const CHECK_BUDGET_MS = 500;

interface Row {
  readonly name: string;
  readonly rules: number;
  readonly compiled: Timing;
  readonly reference: Timing;
  readonly mix: Readonly<Record<string, number>>;
  readonly checked: number;
  readonly disagreements: number;
}

/** Issue 2 item 7: decisions per second of the compiled matcher beside the minimatch reference. */
export async function runMatcherSuite(
  workDir: string,
  progress: (line: string) => void,
): Promise<SuiteResult> {
  const policiesDir = path.join(repoRoot, 'policies');
  const shipped = fs
    .readdirSync(policiesDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  const rows: Row[] = [];
  const loadShipped = async (profiles: readonly string[]): Promise<CompiledPolicy> =>
    loadPolicy({
      dir: policiesDir,
      profiles,
      parameters: parametersFor(await declaredParameters(policiesDir, profiles)),
    });
  rows.push(measurePolicy('all shipped profiles', await loadShipped(shipped), progress));
  for (const name of shipped) rows.push(measurePolicy(name, await loadShipped([name]), progress));
  const syntheticDir = path.join(workDir, 'synthetic-profiles');
  fs.mkdirSync(syntheticDir, { recursive: true });
  for (const size of SIZES) {
    const profile = writeSyntheticProfile(syntheticDir, size);
    const policy = await loadPolicy({ dir: syntheticDir, profiles: [profile], parameters: {} });
    rows.push(measurePolicy(`synthetic ${size.toLocaleString('en-US')} rules`, policy, progress));
    // The same targets as the 100-rule row: separates the cost of more rules from a bigger working set.
    if (size > SIZES[0]) {
      const label = `synthetic ${size.toLocaleString('en-US')}, 100-rule targets`;
      rows.push(measurePolicy(label, policy, progress, policy.rules.slice(0, SIZES[0])));
    }
  }
  const all = rows[0];
  const small = rows.find((r) => r.name.startsWith('synthetic 100 '));
  const large = rows.find((r) => r.name === 'synthetic 10,000 rules');
  const largeSameTargets = rows.find((r) => r.name === 'synthetic 10,000, 100-rule targets');
  const growthCheck = (big: Row | undefined, what: string): SuiteResult['goals'][number] => {
    const growth = small && big ? big.compiled.nsPerDecision / small.compiled.nsPerDecision : Number.NaN;
    return {
      goal: `cost at 10,000 rules ≤ 1.5× cost at 100 rules (${what})`,
      met: Number.isFinite(growth) ? growth <= 1.5 : null,
      detail: Number.isFinite(growth)
        ? `${growth.toFixed(2)}× (${big?.compiled.nsPerDecision.toFixed(0)} vs ${small?.compiled.nsPerDecision.toFixed(0)} ns)`
        : 'not measured',
    };
  };
  return {
    suite: 'matcher',
    table: formatTable(
      `Policy decisions (decide, enforce): ${TARGETS} mixed targets, one thread, median of ${FAST.rounds} rounds; per CPU-second (= one dedicated core) and per wall-clock second`,
      [
        'profile set',
        'rules',
        'decisions/CPU-s',
        'ns/decision',
        'decisions/wall-s',
        'reference/CPU-s',
        'speed-up',
        'allow %',
        'disagree',
      ],
      rows.map((r) => [
        r.name,
        r.rules,
        Math.round(r.compiled.decisionsPerCpuSecond),
        r.compiled.nsPerDecision,
        Math.round(r.compiled.decisionsPerSecond),
        r.reference.decisionsPerCpuSecond,
        r.compiled.decisionsPerCpuSecond / r.reference.decisionsPerCpuSecond,
        (100 * (r.mix.allow ?? 0)) / TARGETS,
        `${r.disagreements}/${r.checked}`,
      ]),
      0,
    ),
    figures: { targets: TARGETS, rows },
    goals: [
      {
        goal: 'compiled matcher ≥ 2,000,000 decisions/s on all shipped profiles',
        met: all === undefined ? null : all.compiled.decisionsPerCpuSecond >= 2_000_000,
        detail:
          all === undefined
            ? 'not measured'
            : `${Math.round(all.compiled.decisionsPerCpuSecond).toLocaleString('en-US')} per CPU-second (${Math.round(all.compiled.decisionsPerSecond).toLocaleString('en-US')} per wall-clock second)`,
      },
      growthCheck(largeSameTargets, 'same targets as the 100-rule profile'),
      growthCheck(large, 'targets spread over all 10,000 rules'),
      {
        goal: 'compiled and reference matcher agree on every checked target',
        met: rows.every((r) => r.disagreements === 0),
        detail: `${rows.reduce((n, r) => n + r.disagreements, 0)} disagreements in ${rows.reduce((n, r) => n + r.checked, 0)} checks`,
      },
    ],
  };
}

function measurePolicy(
  name: string,
  policy: CompiledPolicy,
  progress: (line: string) => void,
  targetRules: CompiledPolicy['rules'] = policy.rules,
): Row {
  const targets = buildTargetMix(targetRules, TARGETS);
  const reference: CompiledPolicy = { ...policy, matcher: createReferenceMatcher(policy.rules) };
  const mix: Record<string, number> = {};
  let disagreements = 0;
  for (const target of targets) {
    const d = decide(policy, target, 'enforce');
    const key = d.verdict === 'allow' ? 'allow' : d.reason;
    mix[key] = (mix[key] ?? 0) + 1;
  }
  // The reference is slow at 10,000 rules: check as many targets as fit in the budget.
  let checked = 0;
  const deadline = performance.now() + CHECK_BUDGET_MS;
  while (checked < targets.length && performance.now() < deadline) {
    if (!sameDecision(targets[checked] as Target, policy, reference)) disagreements++;
    checked++;
  }
  const compiled = timeDecisions((t) => decide(policy, t, 'enforce'), targets, FAST);
  const slow = timeDecisions((t) => decide(reference, t, 'enforce'), targets, SLOW);
  progress(
    `${name}: ${Math.round(compiled.decisionsPerCpuSecond)} decisions/CPU-s (reference ${Math.round(slow.decisionsPerCpuSecond)})`,
  );
  return { name, rules: policy.rules.length, compiled, reference: slow, mix, checked, disagreements };
}

function sameDecision(target: Target, a: CompiledPolicy, b: CompiledPolicy): boolean {
  const x = decide(a, target, 'enforce');
  const y = decide(b, target, 'enforce');
  return x.verdict === y.verdict && x.reason === y.reason && x.rule === y.rule && x.profile === y.profile;
}

/** Parameters declared by the profiles and everything they include: the loader refuses any other. */
async function declaredParameters(dir: string, profiles: readonly string[]): Promise<Set<string>> {
  const declared = new Set<string>();
  const seen = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    if (seen.has(name)) return;
    seen.add(name);
    const profile = await loadNamedProfile(dir, name);
    for (const key of Object.keys(profile.document.parameters ?? {})) declared.add(key);
    for (const inc of profile.document.include ?? []) await visit(inc);
  };
  for (const name of profiles) await visit(name);
  return declared;
}

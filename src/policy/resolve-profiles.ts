import { parseHostPattern, type HostPattern } from './host-pattern.js';
import { parseCidr, type Cidr } from './parse-cidr.js';
import { parsePortSet } from './port-set.js';
import { PolicyError } from './policy-error.js';
import type { LoadedProfile, RuleDocument } from './profile-document.js';
import { resolveParameters, substitute, type ParameterValue } from './resolve-parameters.js';
import type { InactiveRule, ResolvedRule, ResolvedUnproxied } from './resolved-rule.js';
import { suggestName } from './suggest-key.js';

export interface ResolvedProfiles {
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly rules: readonly ResolvedRule[];
  readonly inactive: readonly InactiveRule[];
  readonly unproxied: readonly ResolvedUnproxied[];
}

export type GetProfile = (name: string) => Promise<LoadedProfile>;

/** Applies includes, parameters and cloud conditions to the selected profiles, in order. */
export async function resolveProfiles(
  selected: readonly string[],
  given: Readonly<Record<string, string>>,
  getProfile: GetProfile,
): Promise<ResolvedProfiles> {
  const order: LoadedProfile[] = [];
  const seen = new Set<string>();
  const visit = async (name: string, stack: readonly string[]): Promise<void> => {
    if (stack.includes(name)) {
      throw new PolicyError('INCLUDE_CYCLE', `profiles include each other: ${[...stack, name].join(' -> ')}`);
    }
    if (seen.has(name)) return;
    seen.add(name);
    const profile = await getProfile(name);
    for (const inc of profile.document.include ?? []) await visit(inc, [...stack, name]);
    order.push(profile);
  };
  for (const name of selected) await visit(name, []);

  const declared = new Set(order.flatMap((p) => Object.keys(p.document.parameters ?? {})));
  for (const key of Object.keys(given)) {
    if (!declared.has(key)) {
      const known = [...declared].join(', ') || 'none';
      const better = suggestName(key, [...declared]);
      throw new PolicyError(
        'PARAMETER_UNDECLARED',
        `--set ${key}: no selected profile has a parameter '${key}'${better === null ? '' : `; did you mean '${better}'?`} (they have: ${known})`,
        { parameter: key },
      );
    }
  }

  const rules: ResolvedRule[] = [];
  const inactive: InactiveRule[] = [];
  const unproxied: ResolvedUnproxied[] = [];
  const parameters: Record<string, ParameterValue> = {};
  for (const profile of order) {
    const values = resolveParameters(profile, given);
    for (const [k, v] of values) parameters[k] ??= v;
    const name = profile.document.name;
    const cloud = values.get('cloud');
    for (const [index, rule] of profile.document.rules.entries()) {
      const skip = cloudMismatch(profile, rule.cloud, cloud, ['rules', index, 'cloud']);
      if (skip) {
        inactive.push({ profile: name, id: rule.id, why: skip });
        continue;
      }
      const built = buildRule(profile, rule, index, values);
      if ('why' in built) inactive.push(built);
      else rules.push(built);
    }
    for (const [index, entry] of (profile.document.unproxied ?? []).entries()) {
      if (cloudMismatch(profile, entry.cloud, cloud, ['unproxied', index, 'cloud'])) continue;
      const where = { profile, path: ['unproxied', index, 'destinations'] };
      unproxied.push({
        profile: name,
        id: entry.id,
        protocol: entry.protocol,
        destinations: entry.destinations.flatMap((d) => substitute(d, values, where)),
        ports: (entry.ports ?? []).map(String),
        purpose: entry.purpose ?? '',
        provenance: entry.provenance,
      });
    }
  }
  return { profiles: order.map((p) => p.document.name), parameters, rules, inactive, unproxied };
}

function cloudMismatch(
  profile: LoadedProfile,
  condition: readonly string[] | undefined,
  cloud: ParameterValue | undefined,
  path: readonly (string | number)[],
): string | null {
  if (!condition) return null;
  if (typeof cloud !== 'string') {
    throw new PolicyError(
      'PARAMETER_UNDECLARED',
      `a 'cloud' condition needs the profile to declare a 'cloud' parameter`,
      { file: profile.file, line: profile.locate(path) },
    );
  }
  return condition.includes(cloud) ? null : `only for cloud ${condition.join(', ')} (cloud is ${cloud})`;
}

function buildRule(
  profile: LoadedProfile,
  rule: RuleDocument,
  index: number,
  values: ReadonlyMap<string, ParameterValue>,
): ResolvedRule | InactiveRule {
  const { file, locate } = profile;
  const name = profile.document.name;
  const hosts: string[] = [];
  const patterns: HostPattern[] = [];
  for (const [h, text] of (rule.hosts ?? []).entries()) {
    const path = ['rules', index, 'hosts', h];
    for (const expanded of substitute(text, values, { profile, path })) {
      const parsed = parseHostPattern(expanded, { anyHost: rule.anyHost === true });
      if (!parsed.ok) {
        const via = expanded === text ? '' : ` (from '${text}')`;
        throw new PolicyError('BAD_PATTERN', `rule '${rule.id}': ${parsed.error}${via}`, {
          file,
          line: locate(path),
        });
      }
      hosts.push(expanded);
      patterns.push(parsed.pattern);
    }
  }
  const cidrList: Cidr[] = [];
  for (const [c, text] of (rule.cidrs ?? []).entries()) {
    const path = ['rules', index, 'cidrs', c];
    for (const expanded of substitute(text, values, { profile, path })) {
      const parsed = parseCidr(expanded);
      if (!parsed.ok) {
        throw new PolicyError('BAD_CIDR', `rule '${rule.id}': ${parsed.error}`, { file, line: locate(path) });
      }
      cidrList.push(parsed.cidr);
    }
  }
  const ports = parsePortSet(rule.ports);
  if (!ports.ok) {
    throw new PolicyError('BAD_PORT', `rule '${rule.id}': ${ports.error}`, {
      file,
      line: locate(['rules', index, 'ports', ports.index]),
    });
  }
  if (patterns.length === 0 && cidrList.length === 0) {
    return { profile: name, id: rule.id, why: 'its parameters expand to no host (an empty list)' };
  }
  return Object.freeze({
    profile: name,
    id: rule.id,
    hosts: Object.freeze(hosts),
    cidrs: Object.freeze(cidrList.map((c) => c.text)),
    ports: ports.ports.text,
    ...(rule.paths ? { paths: Object.freeze([...rule.paths]) } : {}),
    purpose: rule.purpose ?? '',
    provenance: rule.provenance,
    patterns: Object.freeze(patterns),
    cidrList: Object.freeze(cidrList),
    portSet: ports.ports,
  });
}

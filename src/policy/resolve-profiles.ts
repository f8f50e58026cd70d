import type { ServiceTagsFile } from '../servicetags/parse-service-tags.js';
import { checkConditions } from './check-conditions.js';
import { expandServiceTags } from './expand-service-tags.js';
import { expandRuleHosts } from './expand-rule-hosts.js';
import { type Cidr } from '../address/read-cidr.js';
import { parseCidr } from './parse-cidr.js';
import { checkPathPrefix } from './path-prefix.js';
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

export interface ResolveProfilesOptions {
  /** The Azure Service Tags file `servicetags:` rows expand through; without it they match by host only. */
  readonly serviceTags?: ServiceTagsFile | null;
  /** `profile/id` of rules (and unproxied entries) a client group leaves out. */
  readonly excludeRules?: readonly string[];
}

/** Applies includes, parameters and conditions (cloud, when, feature) to the selected profiles, in order. */
export async function resolveProfiles(
  selected: readonly string[],
  given: Readonly<Record<string, string>>,
  getProfile: GetProfile,
  options: ResolveProfilesOptions = {},
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

  const excluded = checkExcluded(order, options.excludeRules ?? []);
  const allowedElsewhere = collectAllowed(order);
  const rules: ResolvedRule[] = [];
  const inactive: InactiveRule[] = [];
  const unproxied: ResolvedUnproxied[] = [];
  const parameters: Record<string, ParameterValue> = {};
  for (const profile of order) {
    const values = resolveParameters(profile, given, allowedElsewhere);
    for (const [k, v] of values) parameters[k] ??= v;
    const name = profile.document.name;
    for (const [index, rule] of profile.document.rules.entries()) {
      const skip = excluded.has(`${name}/${rule.id}`)
        ? 'excluded by the client group (excludeRules)'
        : checkConditions(profile, rule, values, ['rules', index, 'cloud']);
      if (skip) {
        inactive.push({ profile: name, id: rule.id, why: skip });
        continue;
      }
      const built = buildRule(profile, rule, index, values, options.serviceTags ?? null);
      if ('why' in built) inactive.push(built);
      else rules.push(built);
    }
    for (const [index, entry] of (profile.document.unproxied ?? []).entries()) {
      if (excluded.has(`${name}/${entry.id}`)) continue;
      if (checkConditions(profile, entry, values, ['unproxied', index, 'cloud'])) continue;
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

/** The `profile/id` names to leave out; one that names nothing is an error, so a typo never goes unseen. */
function checkExcluded(order: readonly LoadedProfile[], exclude: readonly string[]): ReadonlySet<string> {
  const known = new Set(
    order.flatMap((p) =>
      [...p.document.rules, ...(p.document.unproxied ?? [])].map((r) => `${p.document.name}/${r.id}`),
    ),
  );
  for (const id of exclude) {
    if (!known.has(id)) {
      throw new PolicyError(
        'RULE_NOT_FOUND',
        `excludeRules: '${id}' names no rule of ${order.map((p) => p.document.name).join(', ')}; write PROFILE/RULE-ID as 'egressgate profiles show' prints it`,
      );
    }
  }
  return new Set(exclude);
}

/** Per parameter name, the union of the `allowed` values of every selected profile declaring it. */
function collectAllowed(order: readonly LoadedProfile[]): ReadonlyMap<string, ReadonlySet<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of order) {
    for (const [name, decl] of Object.entries(p.document.parameters ?? {})) {
      if (!decl.allowed) continue;
      const set = out.get(name) ?? new Set<string>();
      for (const v of decl.allowed) set.add(v);
      out.set(name, set);
    }
  }
  return out;
}

function buildRule(
  profile: LoadedProfile,
  rule: RuleDocument,
  index: number,
  values: ReadonlyMap<string, ParameterValue>,
  serviceTags: ServiceTagsFile | null,
): ResolvedRule | InactiveRule {
  const { file, locate } = profile;
  const name = profile.document.name;
  const own = expandRuleHosts(profile, rule, index, values);
  const { hosts, patterns } = own;
  const cidrList: Cidr[] = [...own.cidrs];
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
  for (const [p, text] of (rule.paths ?? []).entries()) {
    const error = checkPathPrefix(text);
    if (error !== null) {
      throw new PolicyError('BAD_PATH', `rule '${rule.id}': ${error}`, {
        file,
        line: locate(['rules', index, 'paths', p]),
      });
    }
  }
  const tags = (rule.servicetags ?? []).flatMap((text, t) =>
    substitute(text, values, { profile, path: ['rules', index, 'servicetags', t] }),
  );
  if (serviceTags && tags.length > 0) {
    const line = locate(['rules', index, 'servicetags']);
    cidrList.push(...expandServiceTags(tags, serviceTags, { ruleId: rule.id, file, line }));
  }
  const ports = parsePortSet(rule.ports);
  if (!ports.ok) {
    throw new PolicyError('BAD_PORT', `rule '${rule.id}': ${ports.error}`, {
      file,
      line: locate(['rules', index, 'ports', ports.index]),
    });
  }
  if (patterns.length === 0 && cidrList.length === 0) {
    const why =
      tags.length > 0 && !serviceTags
        ? `service tag ${tags.join(', ')} needs the Service Tags file (serve config key servicetags)`
        : 'its parameters expand to no host (an empty list)';
    return { profile: name, id: rule.id, why };
  }
  return Object.freeze({
    profile: name,
    id: rule.id,
    hosts: Object.freeze(hosts),
    cidrs: Object.freeze(cidrList.map((c) => c.text)),
    ...(tags.length > 0 ? { servicetags: Object.freeze(tags) } : {}),
    ...(rule.protocol ? { protocol: rule.protocol } : {}),
    ports: ports.ports.text,
    ...(rule.paths ? { paths: Object.freeze([...rule.paths]) } : {}),
    purpose: rule.purpose ?? '',
    provenance: rule.provenance,
    patterns: Object.freeze(patterns),
    cidrList: Object.freeze(cidrList),
    portSet: ports.ports,
    ...(own.privateDestinations ? { privateDestinations: true as const } : {}),
  });
}

import { createHash } from 'node:crypto';
import type { CompiledPolicy } from '../policy/compiled-policy.js';
import type { ActiveGroup, PolicyState } from './policy-state.js';

export interface PolicyGroupView {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly users: readonly string[] | null;
  readonly profiles: readonly string[];
  /** Every parameter of the group's profiles: the given value, else the profile's default. */
  readonly parameters: CompiledPolicy['parameters'];
  /** Only the parameters the config gave; the rest above are defaults. */
  readonly given: Readonly<Record<string, string>>;
  readonly mode: string;
  readonly denyStyle: string;
  readonly maxConnections: number | null;
  readonly rules: number;
  readonly rulesByProfile: Readonly<Record<string, number>>;
  readonly inactiveRules: number;
  readonly unproxied: number;
}

/** What GET /policy shows: the policy in force, a hash to compare replicas by, and when it was loaded. */
export interface PolicyView {
  readonly hash: string;
  readonly loadedAt: string;
  readonly groups: readonly PolicyGroupView[];
}

export function describePolicy(state: PolicyState, loadedAtMs: number): PolicyView {
  const groups = state.groups.map(({ group }) => describeGroup(group));
  return { hash: hashPolicy(state), loadedAt: new Date(loadedAtMs).toISOString(), groups };
}

function describeGroup(g: ActiveGroup): PolicyGroupView {
  const rulesByProfile: Record<string, number> = {};
  for (const r of g.policy.rules) rulesByProfile[r.profile] = (rulesByProfile[r.profile] ?? 0) + 1;
  return {
    name: g.name,
    cidrs: g.cidrs,
    users: g.users,
    profiles: g.policy.profiles,
    parameters: g.policy.parameters,
    given: g.parameters,
    mode: g.mode,
    denyStyle: g.denyStyle,
    maxConnections: g.maxConnections,
    rules: g.policy.rules.length,
    rulesByProfile,
    inactiveRules: g.policy.inactive.length,
    unproxied: g.policy.unproxied.length,
  };
}

/**
 * sha256 over what decides: groups, their resolved parameters and every rule as resolved. Two
 * replicas (or a replica before and after a reload) with the same hash enforce the same policy.
 */
function hashPolicy(state: PolicyState): string {
  const canonical = state.groups.map(({ group: g }) => ({
    name: g.name,
    cidrs: g.cidrs,
    users: g.users,
    mode: g.mode,
    denyStyle: g.denyStyle,
    maxConnections: g.maxConnections,
    parameters: Object.entries(g.policy.parameters).sort(([a], [b]) => a.localeCompare(b)),
    rules: g.policy.rules.map((r) => [r.profile, r.id, r.hosts, r.cidrs, r.ports, r.paths ?? null]),
  }));
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex')}`;
}

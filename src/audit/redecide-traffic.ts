import type { Decision } from '../policy/decision.js';
import type {
  ChangeRow,
  ClientSummary,
  DocumentRow,
  ProfileCoverage,
  RuleRef,
  RuleUse,
  WhatIf,
  WhatIfDenied,
} from './audit-report.js';
import { compareDestinations, compareText } from './traffic-aggregate.js';
import type { DestinationStats } from './traffic-aggregate.js';

/** The part of a loaded policy the audit needs: its resolved rules and a way to decide. */
export interface PolicyView {
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly rules: readonly {
    readonly profile: string;
    readonly id: string;
    readonly hosts: readonly string[];
    readonly cidrs: readonly string[];
    readonly ports: readonly string[];
    readonly paths?: readonly string[];
    readonly purpose: string;
    readonly provenance: { readonly document: string; readonly section?: string; readonly entry?: string };
  }[];
  readonly inactive: readonly { readonly profile: string; readonly id: string; readonly why: string }[];
  decide(target: { host: string; port: number; path?: string }): Decision;
}

/** A destination with the reason it was (or would be) refused. */
export interface RefusedDestination {
  readonly stats: DestinationStats;
  readonly reason: string | null;
}

/** Refusals made before any profile is consulted: a different profile would not change them. */
const PRE_POLICY_REASONS: ReadonlySet<string> = new Set([
  'client_not_allowed',
  'connection_limit',
  'loop',
  'private_address',
  'invalid_target',
  'no_sni',
  'ip_sni',
  'not_tls',
]);

export function isPrePolicyReason(reason: string | null): boolean {
  return reason !== null && PRE_POLICY_REASONS.has(reason);
}

interface Outcome {
  readonly allowedRule: string | null;
  readonly denyReason: string | null;
}

/** Decides each recorded path (and the path-less rest) and credits the rules used with connections. */
function decideDestination(
  d: DestinationStats,
  policy: PolicyView,
  credit: (key: string, connections: number) => void,
): Outcome {
  const targets: { path?: string; connections: number }[] = [];
  let withPath = 0;
  for (const [path, n] of d.paths) {
    targets.push({ path, connections: n });
    withPath += n;
  }
  if (d.connections > withPath || targets.length === 0)
    targets.push({ connections: d.connections - withPath });
  let best: { rule: string; connections: number } | null = null;
  let denyReason: string | null = null;
  for (const t of targets) {
    const target =
      t.path === undefined ? { host: d.host, port: d.port } : { host: d.host, port: d.port, path: t.path };
    const decision = policy.decide(target);
    if (decision.verdict === 'allow') {
      const key = `${decision.profile}/${decision.rule}`;
      credit(key, t.connections);
      if (!best || t.connections > best.connections) best = { rule: key, connections: t.connections };
    } else {
      denyReason ??= decision.reason;
    }
  }
  return { allowedRule: denyReason === null ? (best?.rule ?? null) : null, denyReason };
}

function describeRecorded(d: DestinationStats): string {
  const { allow, deny, report } = d.decisions;
  if (allow > 0 && deny + report === 0) return `allow ${d.profile ?? '?'}/${d.rule ?? '?'}`;
  if (allow === 0 && report === 0) return `deny ${d.reason ?? '?'}`;
  if (allow === 0 && deny === 0) return `report ${d.reason ?? '?'}`;
  return `mixed (allow ${allow}, deny ${deny}, report ${report})`;
}

function changeOf(d: DestinationStats, o: Outcome): ChangeRow | null {
  const { allow, deny, report } = d.decisions;
  const base = {
    group: d.group,
    host: d.host,
    port: d.port,
    connections: d.connections,
    before: describeRecorded(d),
  };
  if (o.denyReason !== null) {
    return allow > 0 ? { ...base, change: 'newly_denied', after: `deny ${o.denyReason}` } : null;
  }
  const after = `allow ${o.allowedRule ?? '?'}`;
  if (deny + report > 0) return { ...base, change: 'newly_allowed', after };
  // Rule ids only: a new profile version under a new name would otherwise change every row.
  const newRule = o.allowedRule?.slice(o.allowedRule.indexOf('/') + 1) ?? null;
  return d.rule !== newRule ? { ...base, change: 'rule_changed', after } : null;
}

function toRef(r: PolicyView['rules'][number]): RuleRef {
  return { id: r.id, hosts: [...r.hosts], cidrs: [...r.cidrs], ports: [...r.ports] };
}

/** Coverage per profile, in the order the policy lists its rules (an included profile before its includer). */
interface Use {
  connections: number;
  destinations: number;
  readonly names: Set<string>;
  readonly ports: Set<number>;
}

function coverageOf(policy: PolicyView, uses: ReadonlyMap<string, Use>): ProfileCoverage[] {
  const byProfile = new Map<
    string,
    { used: RuleUse[]; unused: RuleRef[]; inactive: { id: string; why: string }[] }
  >();
  const entryOf = (
    profile: string,
  ): { used: RuleUse[]; unused: RuleRef[]; inactive: { id: string; why: string }[] } => {
    let entry = byProfile.get(profile);
    if (!entry) {
      entry = { used: [], unused: [], inactive: [] };
      byProfile.set(profile, entry);
    }
    return entry;
  };
  for (const r of policy.rules) {
    const entry = entryOf(r.profile);
    const use = uses.get(`${r.profile}/${r.id}`);
    if (use) {
      entry.used.push({
        ...toRef(r),
        connections: use.connections,
        destinations: use.destinations,
        names: [...use.names].sort(compareText),
        usedPorts: [...use.ports].sort((a, b) => a - b),
      });
    } else entry.unused.push(toRef(r));
  }
  for (const r of policy.inactive) entryOf(r.profile).inactive.push({ id: r.id, why: r.why });
  return [...byProfile].map(([profile, e]) => ({ profile, ...e }));
}

/**
 * Replays the recorded destinations against a policy: what would change, what it would refuse, and
 * which of its rules the traffic exercised.
 */
export function redecideTraffic(
  destinations: readonly DestinationStats[],
  policy: PolicyView,
  enrich: (d: DestinationStats) => ClientSummary & { readonly nearest: DocumentRow | null },
): { whatIf: WhatIf; coverage: ProfileCoverage[]; refused: RefusedDestination[] } {
  const uses = new Map<string, Use>();
  const changes: ChangeRow[] = [];
  const denied: WhatIfDenied[] = [];
  const refused: RefusedDestination[] = [];
  let notRedecided = 0;
  for (const d of destinations) {
    if (d.decisions.allow === 0 && isPrePolicyReason(d.reason)) {
      notRedecided += 1;
      continue;
    }
    const seen = new Set<string>();
    const outcome = decideDestination(d, policy, (key, connections) => {
      const use = uses.get(key) ?? { connections: 0, destinations: 0, names: new Set(), ports: new Set() };
      use.connections += connections;
      use.names.add(d.host);
      use.ports.add(d.port);
      if (!seen.has(key)) use.destinations += 1;
      seen.add(key);
      uses.set(key, use);
    });
    const change = changeOf(d, outcome);
    if (change) changes.push(change);
    if (outcome.denyReason !== null) {
      denied.push({
        group: d.group,
        host: d.host,
        port: d.port,
        connections: d.connections,
        reason: outcome.denyReason,
        ...enrich(d),
      });
      refused.push({ stats: d, reason: outcome.denyReason });
    }
  }
  denied.sort((a, b) => b.connections - a.connections || compareDestinations(a, b));
  return {
    whatIf: {
      profiles: [...policy.profiles],
      parameters: { ...policy.parameters },
      changes,
      denied,
      notRedecided,
    },
    coverage: coverageOf(policy, uses),
    refused,
  };
}

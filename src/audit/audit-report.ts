import type { DecisionLabel } from './log-event.js';

/**
 * The report model every format renders. Plain JSON-able data, sorted deterministically, no wall-clock
 * "generated at" field: the same logs give byte-identical reports (golden tests rely on it).
 */
export interface AuditReport {
  readonly inputs: readonly InputSummary[];
  readonly malformed: { readonly count: number; readonly examples: readonly MalformedLine[] };
  readonly totals: Totals;
  readonly window: ObservationWindow;
  readonly groups: readonly GroupReport[];
  /** Recorded deny and report decisions, most connections first. */
  readonly denied: readonly DeniedRow[];
  /** Present when profiles were given: the recorded traffic decided again by them. */
  readonly whatIf: WhatIf | null;
  readonly coverage: readonly ProfileCoverage[];
  /** Present when profiles were given: what the traffic shows the profiles allow beyond its needs. */
  readonly tighten: Tighten | null;
  readonly suggestion: Suggestion;
}

/** The span of time the decision and close lines cover. */
export interface ObservationWindow {
  /** ISO 8601 of the earliest and latest line; null when no decision or close line was read. */
  readonly first: string | null;
  readonly last: string | null;
  /** (last - first) in hours, two decimals. */
  readonly hours: number;
  /** Lines read over all inputs (every line, not only decisions). */
  readonly lines: number;
}

export interface ClientCount {
  /** Client IP, or `ip (user)` when the line names a proxy user. */
  readonly client: string;
  readonly connections: number;
}

/** Who talks to a destination: distinct clients and the busiest few. */
export interface ClientSummary {
  /** Distinct clients; a lower bound when more than the audit keeps per destination (1000). */
  readonly clients: number;
  readonly topClients: readonly ClientCount[];
}

/** A rule of a profile in the policies directories that a refused destination is closest to. */
export interface DocumentRow {
  readonly profile: string;
  readonly rule: string;
  /** Host patterns as written in the profile (parameters unexpanded). */
  readonly hosts: readonly string[];
  readonly ports: readonly string[];
  /**
   * `matches`: a pattern of the row covers the name (the row is in a profile not in force, or its port
   * differs); `apex`: the name is the parent a `*.` pattern leaves out; `sibling`: they share a parent
   * below the registrable domain, or the registrable domain itself.
   */
  readonly relation: 'matches' | 'apex' | 'sibling';
  readonly note: string;
  readonly document: string;
  readonly title: string | null;
  readonly section: string | null;
  readonly entry: string | null;
}

export interface Tighten {
  readonly unused: readonly (RuleRef & { readonly profile: string })[];
  /** Wildcard rules with the names the traffic used under them: candidates for an exact list. */
  readonly wildcards: readonly {
    readonly profile: string;
    readonly id: string;
    readonly patterns: readonly string[];
    readonly names: readonly string[];
    readonly connections: number;
  }[];
}

/** A refused destination the suggestion leaves out on purpose, and why. */
export interface Finding {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly why: string;
}

export interface InputSummary {
  readonly file: string;
  readonly lines: number;
  readonly decisions: number;
  readonly closes: number;
  readonly otherLines: number;
  readonly malformed: number;
  /** Why reading stopped early (missing file, truncated gzip); null when read to the end. */
  readonly error: string | null;
}

export interface MalformedLine {
  readonly file: string;
  readonly line: number;
  readonly error: string;
  /** The line's first characters, to find it again. */
  readonly excerpt: string;
}

export interface Totals {
  readonly groups: number;
  readonly destinations: number;
  readonly connections: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly unpairedCloses: number;
  readonly openConnections: number;
}

export interface GroupReport {
  /** null: traffic from clients outside every client group. */
  readonly group: string | null;
  readonly destinations: readonly DestinationRow[];
}

export interface DestinationRow extends ClientSummary {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  /** ISO 8601 from the pino `time` field. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The one label all its connections got, or `mixed` (see `decisions`). */
  readonly decision: DecisionLabel | 'mixed';
  readonly decisions: Readonly<Record<DecisionLabel, number>>;
  /** `profile/rule` of the latest allow, or null. */
  readonly rule: string | null;
  /** Reason of the latest deny or report, or null. */
  readonly reason: string | null;
}

export interface DeniedRow extends ClientSummary {
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  readonly decision: 'deny' | 'report' | 'deny+report';
  /** Connections refused (deny) or that would have been (report). */
  readonly connections: number;
  readonly reason: string | null;
  readonly lastSeen: string;
  readonly nearest: DocumentRow | null;
  /** For refusals made before any profile (no_sni, not_tls, private_address, ...): how to allow it. */
  readonly advice: string | null;
}

export type ChangeKind = 'newly_denied' | 'newly_allowed' | 'rule_changed';

export interface WhatIf {
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly changes: readonly ChangeRow[];
  /** What the given profiles would refuse, most connections first. */
  readonly denied: readonly WhatIfDenied[];
  /** Destinations refused before any policy (client_not_allowed, connection_limit, ...): not re-decided. */
  readonly notRedecided: number;
}

export interface ChangeRow {
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly change: ChangeKind;
  /** `allow profile/rule`, `deny reason`, `report reason` or `mixed` as recorded. */
  readonly before: string;
  /** `allow profile/rule` or `deny reason` under the given profiles. */
  readonly after: string;
}

export interface WhatIfDenied extends ClientSummary {
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly reason: string;
  readonly nearest: DocumentRow | null;
}

export interface RuleRef {
  readonly id: string;
  readonly hosts: readonly string[];
  readonly cidrs: readonly string[];
  readonly ports: readonly string[];
}

export interface RuleUse extends RuleRef {
  readonly connections: number;
  readonly destinations: number;
  /** The hosts (names or addresses) it allowed, and on which ports. */
  readonly names: readonly string[];
  readonly usedPorts: readonly number[];
}

export interface ProfileCoverage {
  readonly profile: string;
  readonly used: readonly RuleUse[];
  readonly unused: readonly RuleRef[];
  /** Rules that cannot match with these parameters (another cloud, an empty list parameter), and why. */
  readonly inactive: readonly { readonly id: string; readonly why: string }[];
}

export interface SuggestedRule {
  readonly id: string;
  readonly hosts?: readonly string[];
  readonly cidrs?: readonly string[];
  readonly ports: readonly number[];
  readonly paths?: readonly string[];
  readonly purpose: string;
  readonly provenance: {
    readonly document: string;
    readonly section?: string;
    readonly entry?: string;
    readonly note?: string;
  };
}

export interface Suggestion {
  /** `recorded`: from the logged denials; `what-if`: what the given profiles still refuse. */
  readonly basis: 'recorded' | 'what-if';
  readonly name: string;
  readonly wildcardMin: number;
  readonly rules: readonly SuggestedRule[];
  /** Refused destinations no rule is suggested for (private, metadata, one-off names), and why. */
  readonly findings: readonly Finding[];
  /** The suggested profile in the policy format; null when nothing needs adding. */
  readonly yaml: string | null;
}

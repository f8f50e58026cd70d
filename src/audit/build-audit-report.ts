import type {
  AuditReport,
  ClientSummary,
  DeniedRow,
  DestinationRow,
  DocumentRow,
  GroupReport,
  ObservationWindow,
} from './audit-report.js';
import type { DocumentCatalog } from './document-catalog.js';
import { findNearestRow } from './find-nearest-row.js';
import { prePolicyAdvice } from './pre-policy-advice.js';
import type { AuditInputs } from './read-audit-inputs.js';
import {
  isPrePolicyReason,
  redecideTraffic,
  type PolicyView,
  type RefusedDestination,
} from './redecide-traffic.js';
import { renderProfileYaml, suggestRules, type DeniedDestination } from './suggest-profile.js';
import { tightenProfiles } from './tighten-profiles.js';
import { compareDestinations, compareText, type DestinationStats } from './traffic-aggregate.js';

export interface BuildReportOptions {
  /** The profiles to re-decide the traffic with (coverage, what-if); null: recorded decisions only. */
  readonly policy: PolicyView | null;
  readonly wildcardMin: number;
  readonly suggestName: string;
  /** The profile rules as written in the policies directories: nearest rows, documented domains. */
  readonly catalog: DocumentCatalog;
}

/** Clients listed per destination; the rest are counted. */
export const TOP_CLIENTS = 3;

function clientsOf(d: DestinationStats): ClientSummary {
  const top = [...d.clients]
    .sort(([a, x], [b, y]) => y - x || compareText(a, b))
    .slice(0, TOP_CLIENTS)
    .map(([client, connections]) => ({ client, connections }));
  return { clients: d.clients.size + (d.clientsDropped > 0 ? 1 : 0), topClients: top };
}

function windowOf(inputs: AuditInputs): ObservationWindow {
  const { firstTime, lastTime } = inputs.aggregate;
  const lines = inputs.inputs.reduce((s, i) => s + i.lines, 0);
  if (firstTime === null || lastTime === null) return { first: null, last: null, hours: 0, lines };
  const hours = Math.round((lastTime - firstTime) / 36_000) / 100;
  return { first: iso(firstTime), last: iso(lastTime), hours, lines };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function toRow(d: DestinationStats): DestinationRow {
  const labels = (['allow', 'deny', 'report'] as const).filter((l) => d.decisions[l] > 0);
  return {
    ...clientsOf(d),
    host: d.host,
    port: d.port,
    connections: d.connections,
    bytesOut: d.bytesOut,
    bytesIn: d.bytesIn,
    firstSeen: iso(d.firstSeen),
    lastSeen: iso(d.lastSeen),
    decision: labels.length === 1 && labels[0] ? labels[0] : 'mixed',
    decisions: { ...d.decisions },
    rule: d.rule === null ? null : `${d.profile ?? '?'}/${d.rule}`,
    reason: d.decisions.deny + d.decisions.report > 0 ? d.reason : null,
  };
}

function groupRows(destinations: readonly DestinationStats[]): GroupReport[] {
  const groups = new Map<string | null, DestinationRow[]>();
  for (const d of destinations) groups.set(d.group, [...(groups.get(d.group) ?? []), toRow(d)]);
  return [...groups].map(([group, rows]) => ({ group, destinations: rows }));
}

function deniedRows(
  destinations: readonly DestinationStats[],
  nearest: (host: string, port: number) => DocumentRow | null,
): DeniedRow[] {
  const rows: DeniedRow[] = [];
  for (const d of destinations) {
    const { deny, report } = d.decisions;
    if (deny + report === 0) continue;
    rows.push({
      group: d.group,
      host: d.host,
      port: d.port,
      decision: deny > 0 && report > 0 ? 'deny+report' : deny > 0 ? 'deny' : 'report',
      connections: deny + report,
      reason: d.reason,
      lastSeen: iso(d.lastSeen),
      ...clientsOf(d),
      nearest: isPrePolicyReason(d.reason) ? null : nearest(d.host, d.port),
      advice: prePolicyAdvice(d.reason),
    });
  }
  return rows.sort((a, b) => b.connections - a.connections || compareDestinations(a, b));
}

/** The suggestion is one profile for all groups; suggestRules merges a destination seen in several. */
function toDenied(refused: readonly RefusedDestination[]): DeniedDestination[] {
  const out: DeniedDestination[] = [];
  for (const { stats: d, reason } of refused) {
    if (reason === null) continue;
    out.push({ host: d.host, port: d.port, connections: d.connections, reason, paths: [...d.paths.keys()] });
  }
  return out;
}

function sourceLabel(inputs: AuditInputs): string {
  const files = inputs.inputs.map((i) => i.file);
  // A week of rotated logs is dozens of files; the provenance needs to identify, not to list them all.
  const shown =
    files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
  return `egressgate audit of ${shown}`;
}

/** Turns what was read into the report every format renders. Pure: same inputs, same report. */
export function buildAuditReport(inputs: AuditInputs, opts: BuildReportOptions): AuditReport {
  const destinations = [...inputs.aggregate.list()].sort(compareDestinations);
  // The profiles the traffic was decided by (recorded) or is re-decided with: their rows win ties.
  const preferred = new Set([
    ...destinations.map((d) => d.profile).filter((p): p is string => p !== null),
    ...(opts.policy?.profiles ?? []),
  ]);
  const nearest = (host: string, port: number): DocumentRow | null =>
    findNearestRow(opts.catalog, host, port, preferred);
  const enrich = (d: DestinationStats): ClientSummary & { nearest: DocumentRow | null } => ({
    ...clientsOf(d),
    nearest: nearest(d.host, d.port),
  });
  const redecided = opts.policy ? redecideTraffic(destinations, opts.policy, enrich) : null;
  const denied = toDenied(
    redecided
      ? redecided.refused
      : destinations
          .filter((d) => d.decisions.deny + d.decisions.report > 0)
          .map((d) => ({ stats: d, reason: d.reason })),
  );
  const source = sourceLabel(inputs);
  const { rules, findings } = suggestRules(denied, {
    wildcardMin: opts.wildcardMin,
    source,
    documentedDomains: opts.catalog.domains,
    nearest,
  });
  const sum = (f: (d: DestinationStats) => number): number => destinations.reduce((s, d) => s + f(d), 0);
  return {
    inputs: inputs.inputs,
    malformed: inputs.malformed,
    totals: {
      groups: new Set(destinations.map((d) => d.group)).size,
      destinations: destinations.length,
      connections: sum((d) => d.connections),
      bytesOut: sum((d) => d.bytesOut),
      bytesIn: sum((d) => d.bytesIn),
      unpairedCloses: inputs.aggregate.unpairedCloses,
      openConnections: inputs.aggregate.openConnections,
    },
    window: windowOf(inputs),
    groups: groupRows(destinations),
    denied: deniedRows(destinations, nearest),
    whatIf: redecided?.whatIf ?? null,
    coverage: redecided?.coverage ?? [],
    tighten: redecided ? tightenProfiles(redecided.coverage) : null,
    suggestion: {
      basis: redecided ? 'what-if' : 'recorded',
      name: opts.suggestName,
      wildcardMin: opts.wildcardMin,
      rules,
      findings,
      yaml: rules.length > 0 ? renderProfileYaml(opts.suggestName, rules, source) : null,
    },
  };
}

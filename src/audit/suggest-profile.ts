import { parse as parseDomain } from 'tldts';
import { Document } from 'yaml';
import { normalizeHost } from '../policy/normalize-host.js';
import { checkPathPrefix } from '../policy/path-prefix.js';
import type { DocumentRow, Finding, SuggestedRule } from './audit-report.js';
import { citeDocumentRow } from './cite-document-row.js';
import { isDocumentedParent, screenSuggestionTarget } from './screen-suggestion-target.js';
import { compareText } from './traffic-aggregate.js';

/** A refused destination the suggestion should cover. */
export interface DeniedDestination {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly reason: string;
  /** Plain-HTTP paths seen; used only when the refusal was about the path. */
  readonly paths: readonly string[];
}

/** Reasons a profile change can fix; others (client_not_allowed, loop, ...) are not about the profile. */
const FIXABLE: ReadonlySet<string> = new Set([
  'no_matching_rule',
  'port_not_allowed',
  'path_not_allowed',
  'ip_literal',
]);

interface NameUse {
  ports: Set<number>;
  connections: number;
  paths: Set<string>;
}

/** Same test as the policy loader's: ICANN suffixes only, so `*.servicebus.windows.net` stays legal. */
function isPublicSuffix(name: string): boolean {
  return !name.includes('.') || parseDomain(name, { allowPrivateDomains: false }).publicSuffix === name;
}

function parentsOf(name: string): string[] {
  const labels = name.split('.');
  const out: string[] = [];
  for (let i = 1; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'rule'
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function sortedPorts(ports: Iterable<number>): number[] {
  return [...ports].sort((a, b) => a - b);
}

function listNames(names: readonly string[]): string {
  return names.length <= 4
    ? names.join(', ')
    : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
}

/** A rule-to-be: its host patterns and the refused names they cover. */
interface NameGroup {
  /** What the rule id is made from. */
  readonly label: string;
  readonly hosts: string[];
  readonly members: string[];
}

/**
 * Groups names into `*.parent` wildcards where at least `wildcardMin` distinct names share a parent
 * (deepest parent first, never over a public suffix); the rest stay exact, one rule per registrable
 * domain and port set. A parent that was itself refused turns the wildcard into `.parent`.
 */
function groupNames(
  names: Map<string, NameUse>,
  wildcardMin: number,
  documentedDomains: ReadonlySet<string>,
): NameGroup[] {
  const under = new Map<string, string[]>();
  for (const name of names.keys()) {
    for (const p of parentsOf(name)) {
      if (isPublicSuffix(p) || !isDocumentedParent(p, documentedDomains)) continue;
      const list = under.get(p) ?? [];
      list.push(name);
      under.set(p, list);
    }
  }
  const depth = (p: string): number => p.split('.').length;
  const candidates = [...under.keys()].sort((a, b) => depth(b) - depth(a) || compareText(a, b));
  const claimed = new Set<string>();
  const groups: NameGroup[] = [];
  for (const parent of candidates) {
    const free = (under.get(parent) ?? []).filter((n) => !claimed.has(n)).sort(compareText);
    if (free.length < Math.max(2, wildcardMin)) continue;
    for (const n of free) claimed.add(n);
    const self = names.has(parent) && !claimed.has(parent);
    if (self) claimed.add(parent);
    groups.push({
      label: `${parent}-subdomains`,
      hosts: [self ? `.${parent}` : `*.${parent}`],
      members: self ? [parent, ...free] : free,
    });
  }
  const exact = new Map<string, { domain: string; names: string[] }>();
  for (const name of [...names.keys()].sort(compareText)) {
    if (claimed.has(name)) continue;
    const domain = parseDomain(name, { allowPrivateDomains: false }).domain ?? name;
    const key = `${domain} ${sortedPorts(names.get(name)?.ports ?? []).join(',')}`;
    const entry = exact.get(key) ?? { domain, names: [] };
    entry.names.push(name);
    exact.set(key, entry);
  }
  for (const { domain, names: members } of exact.values()) {
    groups.push({ label: members.length === 1 ? (members[0] ?? domain) : domain, hosts: members, members });
  }
  return groups;
}

export interface SuggestOptions {
  readonly wildcardMin: number;
  readonly source: string;
  /** Registrable domains the document rows name; wildcards and one-off names need one of these. */
  readonly documentedDomains: ReadonlySet<string>;
  /** The document row a refused name is nearest to, so a rule can cite it. */
  readonly nearest?: (host: string, port: number) => DocumentRow | null;
}

/**
 * Rules (in the profile format) that would allow every fixable refused destination, and findings for
 * those no rule is suggested for (see screenSuggestionTarget).
 */
export function suggestRules(
  denied: readonly DeniedDestination[],
  opts: SuggestOptions,
): { rules: SuggestedRule[]; findings: Finding[] } {
  const names = new Map<string, NameUse>();
  const ips = new Map<string, NameUse>();
  const findings = new Map<string, Finding>();
  const connectionsTo = new Map<string, number>();
  for (const d of denied) {
    if (!FIXABLE.has(d.reason)) continue;
    const n = normalizeHost(d.host);
    if (n) connectionsTo.set(n.host, (connectionsTo.get(n.host) ?? 0) + d.connections);
  }
  for (const d of denied) {
    if (!FIXABLE.has(d.reason)) continue;
    const n = normalizeHost(d.host);
    if (!n) continue;
    const why = screenSuggestionTarget(
      { kind: n.kind, host: n.host, connections: connectionsTo.get(n.host) ?? 0 },
      opts.documentedDomains,
    );
    if (why !== null) {
      const key = `${n.host} ${d.port}`;
      const f = findings.get(key);
      findings.set(key, {
        host: n.host,
        port: d.port,
        connections: (f?.connections ?? 0) + d.connections,
        why,
      });
      continue;
    }
    const into = n.kind === 'name' ? names : ips;
    const key = n.kind === 'name' ? n.host : `${n.host}/${n.kind === 'ipv4' ? 32 : 128}`;
    const use = into.get(key) ?? { ports: new Set(), connections: 0, paths: new Set() };
    use.ports.add(d.port);
    use.connections += d.connections;
    if (d.reason === 'path_not_allowed') for (const p of d.paths) use.paths.add(p);
    into.set(key, use);
  }
  const used = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = slug(base);
    for (let i = 2; used.has(id); i++) id = `${slug(base)}-${i}`;
    used.add(id);
    return id;
  };
  const rules: SuggestedRule[] = [];
  for (const g of groupNames(names, opts.wildcardMin, opts.documentedDomains)) {
    const uses = g.members.map((m) => names.get(m)).filter((u): u is NameUse => u !== undefined);
    const ports = sortedPorts(new Set(uses.flatMap((u) => [...u.ports])));
    const seenPaths = new Set(uses.flatMap((u) => [...u.paths]));
    // A path no server reads one way (dot segments, '//', ';', escapes) cannot be a prefix (BAD_PATH);
    // dropping the path would widen the rule to the whole host, so such a name gets no suggestion.
    const paths = [...seenPaths].filter((p) => checkPathPrefix(p) === null).sort(compareText);
    if (seenPaths.size > 0 && paths.length === 0) continue;
    const connections = uses.reduce((s, u) => s + u.connections, 0);
    rules.push({
      id: uniqueId(g.label),
      hosts: g.hosts,
      ports,
      ...(paths.length > 0 ? { paths } : {}),
      purpose: `Refused in the audited traffic: ${plural(connections, 'connection')} to ${listNames(g.members)}`,
      provenance: citeDocumentRow(g.members, ports, opts.nearest) ?? {
        document: 'audit',
        section: opts.source,
        entry: g.members.join(' '),
      },
    });
  }
  for (const [cidr, use] of [...ips].sort(([a], [b]) => compareText(a, b))) {
    rules.push({
      id: uniqueId(`ip-${cidr.replace(/\/\d+$/, '')}`),
      cidrs: [cidr],
      ports: sortedPorts(use.ports),
      purpose: `IP literal refused in the audited traffic: ${plural(use.connections, 'connection')}; check who owns it`,
      provenance: { document: 'audit', section: opts.source, entry: cidr },
    });
  }
  const sortedFindings = [...findings.values()].sort(
    (a, b) => compareText(a.host, b.host) || a.port - b.port,
  );
  return { rules, findings: sortedFindings };
}

/** The suggested rules as a complete profile file, loadable by the policy loader. */
export function renderProfileYaml(name: string, rules: readonly SuggestedRule[], source: string): string {
  const doc = new Document(
    {
      name,
      description: `Destinations refused in the audited traffic (${source}); review each rule before use`,
      rules: rules.map((r) => ({ ...r })),
    },
    { aliasDuplicateObjects: false },
  );
  doc.commentBefore =
    ' Suggested by egressgate audit from refused traffic. A rule whose provenance cites a document row\n' +
    ' completes that row (its note says how); the others cite `audit` only. Confirm each destination is\n' +
    ' needed before adding it to a profile.';
  return doc.toString({ lineWidth: 0 });
}

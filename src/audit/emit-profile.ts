import { EgressgateError } from '../egressgate-error.js';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { Document } from 'yaml';
import type { AuditReport, RuleUse, SuggestedRule } from './audit-report.js';
import type { DocumentCatalog, DocumentSource } from './document-catalog.js';
import type { PolicyView } from './redecide-traffic.js';
import { parseCidr } from '../policy/parse-cidr.js';

/** `--accept all` takes every suggested rule. */
export const ACCEPT_ALL = 'all';

export class EmitProfileError extends EgressgateError<'EMIT_PROFILE'> {
  constructor(message: string) {
    super('EMIT_PROFILE', message);
  }
}

type PolicyRule = PolicyView['rules'][number];

function isAddress(host: string): boolean {
  return isIPv4(host) || isIPv6(host);
}

/** The rule's CIDRs that contain an address the traffic used: a prefix is kept whole, addresses rotate. */
function usedCidrs(rule: PolicyRule, addresses: readonly string[]): string[] {
  return rule.cidrs.filter((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) return false;
    const list = new BlockList();
    list.addSubnet(parsed.cidr.address, parsed.cidr.prefix, parsed.cidr.family);
    return addresses.some((a) => list.check(a, isIPv4(a) ? 'ipv4' : 'ipv6'));
  });
}

function narrowedRule(
  rule: PolicyRule,
  use: RuleUse,
  id: string,
  window: string,
): Record<string, unknown> | null {
  const names = use.names.filter((n) => !isAddress(n));
  const cidrs = usedCidrs(rule, use.names.filter(isAddress));
  if (names.length === 0 && cidrs.length === 0) return null;
  const was = [...rule.hosts, ...rule.cidrs].join(' ');
  return {
    id,
    ...(names.length > 0 ? { hosts: names } : {}),
    ...(cidrs.length > 0 ? { cidrs } : {}),
    ports: [...use.usedPorts],
    ...(rule.paths && rule.paths.length > 0 ? { paths: [...rule.paths] } : {}),
    purpose: rule.purpose,
    provenance: {
      ...rule.provenance,
      note: `egressgate audit: ${rule.profile}/${rule.id} (${was}, ports ${rule.ports.join(', ')}) narrowed to what was used ${window}`,
    },
  };
}

function pickAccepted(rules: readonly SuggestedRule[], accept: readonly string[]): SuggestedRule[] {
  if (accept.includes(ACCEPT_ALL)) return [...rules];
  const ids = new Set(rules.map((r) => r.id));
  const unknown = accept.filter((a) => !ids.has(a));
  if (unknown.length > 0) {
    const known = rules.length > 0 ? rules.map((r) => r.id).join(', ') : 'none';
    throw new EmitProfileError(
      `--accept ${unknown.join(', ')}: no such suggested rule (suggested: ${known}; or 'all')`,
    );
  }
  return rules.filter((r) => accept.includes(r.id));
}

function commentOut(yaml: string): string {
  return yaml
    .trimEnd()
    .split('\n')
    .map((l) => `#   ${l}`)
    .join('\n');
}

/**
 * The allowlist the audited traffic needs: each rule of the given profiles that was used, narrowed to the
 * names (or CIDRs containing the addresses) and ports used, with the shipped rule's provenance; plus the
 * suggested rules named by `accept`. The suggestions not accepted follow as comments.
 */
export function emitProfile(
  report: AuditReport,
  policy: PolicyView,
  catalog: DocumentCatalog,
  opts: { readonly name: string; readonly accept: readonly string[] },
): string {
  const accepted = pickAccepted(report.suggestion.rules, opts.accept);
  const w = report.window;
  const window = w.first === null ? 'in the audited logs' : `from ${w.first} to ${w.last ?? w.first}`;
  const byKey = new Map(policy.rules.map((r) => [`${r.profile}/${r.id}`, r]));
  const ids = new Set<string>();
  const rules: Record<string, unknown>[] = [];
  const documents = new Set<string>();
  for (const c of report.coverage) {
    for (const use of c.used) {
      const rule = byKey.get(`${c.profile}/${use.id}`);
      if (!rule) continue;
      // Two profiles may both have an `arm` rule; the second keeps its profile in the id.
      const id = ids.has(use.id) ? `${c.profile}-${use.id}` : use.id;
      const out = narrowedRule(rule, use, id, window);
      if (!out) continue;
      ids.add(id);
      documents.add(`${rule.profile}\u0000${rule.provenance.document}`);
      rules.push(out);
    }
  }
  for (const r of accepted) {
    const id = ids.has(r.id) ? `suggested-${r.id}` : r.id;
    ids.add(id);
    rules.push({ ...r, id });
  }
  const sources = new Map<string, DocumentSource>();
  for (const key of documents) {
    const [profile = '', document = ''] = key.split('\u0000');
    const source = catalog.sources.get(profile)?.find((s) => s.id === document);
    if (source && !sources.has(source.id)) sources.set(source.id, source);
  }
  const doc = new Document(
    {
      name: opts.name,
      description: `What the audited traffic used of ${policy.profiles.join(' + ')} (${window})${accepted.length > 0 ? `, plus ${accepted.length} accepted suggestion(s)` : ''}`,
      ...(sources.size > 0 ? { sources: [...sources.values()].map((s) => ({ ...s })) } : {}),
      rules,
    },
    { aliasDuplicateObjects: false },
  );
  doc.commentBefore =
    ` Emitted by egressgate audit --emit-profile from ${w.lines} log line(s), ${window}.\n` +
    ' Each rule narrows a rule of the profiles in force to the names and ports the traffic used; its\n' +
    " provenance is that rule's document row. Review before use: a short window misses rare jobs.";
  const rest = report.suggestion.rules.filter((r) => !accepted.includes(r));
  let text = doc.toString({ lineWidth: 0 });
  if (rest.length > 0) {
    const yaml = new Document(
      rest.map((r) => ({ ...r })),
      { aliasDuplicateObjects: false },
    ).toString({ lineWidth: 0 });
    text += `\n# Suggested rules not accepted (add one with --accept ID, all with --accept all):\n${commentOut(yaml)}\n`;
  }
  return text;
}

import type { AuditReport, ProfileCoverage, RuleRef, Tighten, WhatIf } from './audit-report.js';
import { nearestCells } from './build-traffic-sections.js';
import type { Block, Cell, Section } from './report-section.js';
import { clientsText, destinationLabel, groupLabel, parametersText } from './report-text.js';

function targets(r: RuleRef): Cell {
  return { code: [...r.hosts, ...r.cidrs].join(' ') };
}

function whatIfSection(w: WhatIf): Section {
  const blocks: Block[] = [];
  if (w.changes.length === 0)
    blocks.push({ kind: 'paragraph', text: ['The recorded traffic would be decided the same way.'] });
  else {
    blocks.push({
      kind: 'table',
      headers: ['client group', 'destination', 'connections', 'change', 'recorded', 'with these profiles'],
      rows: w.changes.map((c) => [
        groupLabel(c.group),
        { code: destinationLabel(c) },
        String(c.connections),
        c.change,
        c.before,
        c.after,
      ]),
    });
  }
  blocks.push({
    kind: 'paragraph',
    text: [
      `${w.denied.length} destination(s) would be denied by these profiles` +
        (w.notRedecided > 0
          ? `; ${w.notRedecided} refused before any profile was consulted were not re-decided.`
          : '.'),
    ],
  });
  if (w.denied.length > 0) {
    blocks.push({
      kind: 'table',
      headers: [
        'client group',
        'destination',
        'connections',
        'top clients',
        'reason',
        'closest document row',
        'why',
        'document / section: entry',
      ],
      rows: w.denied.map((d) => [
        groupLabel(d.group),
        { code: destinationLabel(d) },
        String(d.connections),
        clientsText(d),
        d.reason,
        ...nearestCells(d.nearest),
      ]),
    });
  }
  const title = [
    'What-if: ',
    ...w.profiles.flatMap((p, i) => (i === 0 ? [{ code: p }] : [' + ', { code: p }])),
  ];
  return { level: 2, title: [...title, ` (${parametersText(w.parameters)})`], blocks };
}

function coverageSection(c: ProfileCoverage): Section {
  const rows: Cell[][] = [
    ...c.used.map((u): Cell[] => [
      { code: u.id },
      'yes',
      String(u.connections),
      String(u.destinations),
      u.ports.join(', '),
      targets(u),
    ]),
    ...c.unused.map((u): Cell[] => [{ code: u.id }, 'never', '0', '0', u.ports.join(', '), targets(u)]),
    ...c.inactive.map((u): Cell[] => [{ code: u.id }, 'inactive', '0', '0', '-', u.why]),
  ];
  return {
    level: 3,
    title: [
      'Coverage of ',
      { code: c.profile },
      `: ${c.used.length} rule(s) used, ${c.unused.length} never used`,
    ],
    blocks: [
      {
        kind: 'table',
        headers: ['rule', 'used', 'connections', 'destinations', 'ports', 'hosts / CIDRs'],
        rows,
      },
    ],
  };
}

function tightenSection(t: Tighten): Section {
  const blocks: Block[] = [];
  blocks.push({
    kind: 'paragraph',
    text: [
      `${t.unused.length} rule(s) never used in the window; ${t.wildcards.length} wildcard rule(s) used by a known set of names. ` +
        'Question each before removing it: a fail-over endpoint or a yearly job may not show in a short window.',
    ],
  });
  if (t.unused.length > 0) {
    blocks.push({
      kind: 'table',
      headers: ['rule never used', 'ports', 'hosts / CIDRs'],
      rows: t.unused.map((u) => [{ code: `${u.profile}/${u.id}` }, u.ports.join(', '), targets(u)]),
    });
  }
  if (t.wildcards.length > 0) {
    blocks.push({
      kind: 'table',
      headers: ['wildcard rule', 'patterns', 'names seen under it', 'rule connections'],
      rows: t.wildcards.map((w) => [
        { code: `${w.profile}/${w.id}` },
        { code: w.patterns.join(' ') },
        { code: w.names.join(' ') },
        String(w.connections),
      ]),
    });
  }
  return { level: 2, title: ['Tighten'], blocks };
}

function suggestionSection(r: AuditReport): Section {
  const s = r.suggestion;
  const basis = s.basis === 'what-if' ? 'what the given profiles would still deny' : 'the recorded denials';
  const blocks: Block[] = [];
  if (s.yaml === null)
    blocks.push({ kind: 'paragraph', text: [`Nothing to add: no denial among ${basis} gets a rule.`] });
  else {
    blocks.push({
      kind: 'paragraph',
      text: [
        `Covers ${basis}; names become a wildcard only under a domain a document row names, where at least ${s.wildcardMin} names share a parent. ` +
          'Review every rule; egressgate audit --emit-profile --accept ID adds one to the emitted profile.',
      ],
    });
  }
  if (s.findings.length > 0) {
    blocks.push({
      kind: 'table',
      headers: ['finding: no rule suggested', 'connections', 'why'],
      rows: s.findings.map((f) => [{ code: destinationLabel(f) }, String(f.connections), f.why]),
    });
  }
  if (s.yaml !== null) blocks.push({ kind: 'code', language: 'yaml', text: s.yaml.trimEnd() });
  return { level: 2, title: ['Suggested profile ', { code: s.name }], blocks };
}

export function policySections(r: AuditReport): Section[] {
  const out: Section[] = [];
  if (r.whatIf) {
    out.push(whatIfSection(r.whatIf));
    out.push(...r.coverage.map(coverageSection));
  }
  if (r.tighten) out.push(tightenSection(r.tighten));
  out.push(suggestionSection(r));
  return out;
}

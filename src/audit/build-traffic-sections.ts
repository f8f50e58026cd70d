import type { AuditReport, DeniedRow, DocumentRow } from './audit-report.js';
import type { Block, Cell, Section } from './report-section.js';
import {
  clientsText,
  decisionText,
  destinationLabel,
  documentRowText,
  formatBytes,
  formatTime,
  groupLabel,
  outcomeOf,
  windowText,
} from './report-text.js';

/** Denied destinations shown in the chart; the tables list them all. */
export const CHART_TOP = 10;

export function headerSection(r: AuditReport): Section {
  const t = r.totals;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: [
        `${t.connections} connection(s) to ${t.destinations} destination(s) from ${t.groups} client group(s); ` +
          `${formatBytes(t.bytesOut)} out, ${formatBytes(t.bytesIn)} in. ` +
          `${t.openConnections} still open at the end of the log, ${t.unpairedCloses} close line(s) without a decision line.`,
      ],
    },
    { kind: 'paragraph', text: [windowText(r.window)] },
    {
      kind: 'table',
      headers: ['input', 'lines', 'decisions', 'closes', 'other', 'malformed', 'read error'],
      rows: r.inputs.map((i) => [
        i.file,
        String(i.lines),
        String(i.decisions),
        String(i.closes),
        String(i.otherLines),
        String(i.malformed),
        i.error ?? '-',
      ]),
    },
  ];
  return { level: 1, title: ['egressgate audit'], blocks };
}

export function malformedSections(r: AuditReport): Section[] {
  if (r.malformed.count === 0) return [];
  return [
    {
      level: 2,
      title: [`Malformed lines (${r.malformed.count})`],
      blocks: [
        {
          kind: 'table',
          headers: ['file', 'line', 'error', 'starts with'],
          rows: r.malformed.examples.map((m) => [m.file, String(m.line), m.error, { code: m.excerpt }]),
        },
      ],
    },
  ];
}

/** The closest document row as table cells: `profile/rule`, its patterns, why it is close, the document. */
export function nearestCells(row: DocumentRow | null): Cell[] {
  if (row === null) return ['-', '-', '-'];
  return [{ code: `${row.profile}/${row.rule}` }, row.note, documentRowText(row)];
}

function adviceBlocks(denied: readonly DeniedRow[]): Block[] {
  const byReason = new Map<string, string>();
  for (const d of denied) if (d.advice !== null && d.reason !== null) byReason.set(d.reason, d.advice);
  if (byReason.size === 0) return [];
  return [
    {
      kind: 'paragraph',
      text: ['Refused before any profile was consulted (a profile rule cannot change these):'],
    },
    {
      kind: 'list',
      items: [...byReason]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([reason, advice]) => [{ code: reason }, `: ${advice}`]),
    },
  ];
}

export function deniedSection(r: AuditReport): Section {
  const top = r.denied.slice(0, CHART_TOP);
  const blocks: Block[] = [];
  if (r.denied.length === 0) blocks.push({ kind: 'paragraph', text: ['Nothing was denied.'] });
  else {
    blocks.push({
      kind: 'chart',
      title: 'Top denied destinations by connections',
      bars: top.map((d) => ({
        label: `${destinationLabel(d)} · ${d.group ?? 'no client group'}`,
        value: d.connections,
      })),
    });
    blocks.push({
      kind: 'table',
      headers: [
        'client group',
        'destination',
        'decision',
        'connections',
        'clients',
        'top clients',
        'reason',
        'last seen',
      ],
      rows: r.denied.map((d) => [
        groupLabel(d.group),
        { code: destinationLabel(d) },
        d.decision,
        String(d.connections),
        String(d.clients),
        clientsText(d),
        d.reason ?? '-',
        formatTime(d.lastSeen),
      ]),
    });
    const near = r.denied.filter((d) => d.nearest !== null);
    if (near.length > 0) {
      blocks.push({
        kind: 'table',
        headers: ['destination', 'closest document row', 'why', 'document / section: entry'],
        rows: near.map((d) => [{ code: destinationLabel(d) }, ...nearestCells(d.nearest)]),
      });
    }
    blocks.push(...adviceBlocks(r.denied));
  }
  return { level: 2, title: ['Denied, or would have been (report mode)'], blocks };
}

export function trafficSections(r: AuditReport): Section[] {
  const out: Section[] = [{ level: 2, title: ['Traffic by client group'], blocks: [] }];
  for (const g of r.groups) {
    out.push({
      level: 3,
      title: [groupLabel(g.group)],
      blocks: [
        {
          kind: 'table',
          headers: [
            'destination',
            'connections',
            'clients',
            'top clients',
            'bytes out',
            'bytes in',
            'first seen',
            'last seen',
            'decision',
            'rule / reason',
          ],
          rows: g.destinations.map((d) => [
            { code: destinationLabel(d) },
            String(d.connections),
            String(d.clients),
            clientsText(d),
            formatBytes(d.bytesOut),
            formatBytes(d.bytesIn),
            formatTime(d.firstSeen),
            formatTime(d.lastSeen),
            decisionText(d),
            outcomeOf(d),
          ]),
        },
      ],
    });
  }
  return out;
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseDomain } from 'tldts';
import { loadProfileFile } from '../policy/load-profile-file.js';
import { compareText } from './traffic-aggregate.js';

/** One rule of a profile file as written, with the document row its provenance names. */
export interface CatalogRow {
  readonly profile: string;
  readonly rule: string;
  readonly hosts: readonly string[];
  /** The host patterns compiled once, for the closest-row search over every refused name. */
  readonly matchers: readonly HostMatcher[];
  readonly ports: readonly string[];
  readonly document: string;
  readonly title: string | null;
  readonly section: string | null;
  readonly entry: string | null;
  readonly purpose: string | null;
}

export interface HostMatcher {
  readonly pattern: string;
  readonly regex: RegExp;
  /** The fixed part after the last wildcard or parameter (`*.pypi.org` -> `pypi.org`). */
  readonly tail: string;
}

/** Every rule of every profile in the policies directories: what a refused name is compared with. */
export interface DocumentCatalog {
  readonly rows: readonly CatalogRow[];
  /** Registrable domains the rows name (`azure.com`, `pypi.org`): a parent the documents know. */
  readonly domains: ReadonlySet<string>;
  /** The `sources` of each profile, so an emitted profile can name the documents its rows cite. */
  readonly sources: ReadonlyMap<string, readonly DocumentSource[]>;
}

export interface DocumentSource {
  readonly id: string;
  readonly title: string;
  readonly file?: string;
}

/** The fixed part of a host pattern: the labels after its last wildcard or parameter. */
function patternTail(pattern: string): string {
  const labels = pattern.replace(/^\./, '').split('.');
  let i = labels.length;
  while (i > 0 && !/[*{}]/.test(labels[i - 1] ?? '')) i -= 1;
  return labels.slice(i).join('.');
}

export function registrableDomain(name: string): string | null {
  return parseDomain(name, { allowPrivateDomains: false }).domain;
}

/** A pattern as written (`*.x`, `.x`, `ab*.x`, `{region}.x`) as a regex; a parameter stands for one label. */
function patternRegex(pattern: string): RegExp {
  const anyLabels = pattern.startsWith('*.')
    ? '(?:[a-z0-9-]+\\.)+'
    : pattern.startsWith('.')
      ? '(?:[a-z0-9-]+\\.)*'
      : '';
  const rest = pattern.startsWith('*.')
    ? pattern.slice(2)
    : pattern.startsWith('.')
      ? pattern.slice(1)
      : pattern;
  const body = rest
    .toLowerCase()
    .split(/(\{[a-z0-9_]+\}|\*)/)
    .map((part) => {
      if (part === '*') return '[a-z0-9-]*';
      if (/^\{[a-z0-9_]+\}$/.test(part)) return '[a-z0-9-]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${anyLabels}${body}$`);
}

function compileMatcher(pattern: string): HostMatcher {
  return { pattern, regex: patternRegex(pattern), tail: patternTail(pattern) };
}

async function profileFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort(compareText);
  } catch {
    // A directory that cannot be listed has no rows; loading the profiles in force reports it.
    return [];
  }
}

/**
 * Reads every profile in `dirs` as written (parameters unexpanded). A later directory's profile replaces
 * an earlier one of the same file name, as the loader does; a file that does not load is skipped (lint
 * and check report it; an audit should not fail on a draft next to the profile in use).
 */
export async function loadDocumentCatalog(dirs: readonly string[]): Promise<DocumentCatalog> {
  const files = new Map<string, string>();
  for (const dir of dirs) for (const f of await profileFiles(dir)) files.set(f, join(dir, f));
  const rows: CatalogRow[] = [];
  const sources = new Map<string, DocumentSource[]>();
  for (const name of [...files.keys()].sort(compareText)) {
    const file = files.get(name) ?? '';
    let doc;
    try {
      doc = (await loadProfileFile(file)).document;
    } catch {
      continue;
    }
    sources.set(
      doc.name,
      (doc.sources ?? []).map((src) => ({ ...src })),
    );
    const titles = new Map((doc.sources ?? []).map((s) => [s.id, s.title]));
    for (const r of doc.rules) {
      if (!r.hosts || r.hosts.length === 0) continue;
      rows.push({
        profile: doc.name,
        rule: r.id,
        hosts: [...r.hosts],
        matchers: r.hosts.map(compileMatcher),
        ports: r.ports.map(String),
        document: r.provenance.document,
        title: titles.get(r.provenance.document) ?? null,
        section: r.provenance.section ?? null,
        entry: r.provenance.entry ?? null,
        purpose: r.purpose ?? null,
      });
    }
  }
  const domains = new Set<string>();
  for (const row of rows) {
    for (const { tail } of row.matchers) {
      const domain = registrableDomain(tail);
      if (domain !== null) domains.add(domain);
    }
  }
  return { rows, domains, sources };
}

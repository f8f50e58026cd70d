import { parse as parseDomain } from 'tldts';
import { normalizeHost } from './normalize-host.js';

/**
 * A validated host pattern. `base` is the normalized name the pattern hangs from; the matcher
 * indexes by it.
 *  - exact:    `a.example.com`  matches that name only
 *  - subtree:  `*.example.com`  one or more labels under base, never base itself
 *  - suffix:   `.example.com`   base and everything under it
 *  - glob:     `ab*.example.com` first label matches the glob, exactly one label under base
 *  - any:      `*`              everything (explicit opt-in only)
 */
export type HostPattern =
  | { readonly kind: 'exact'; readonly base: string; readonly source: string }
  | { readonly kind: 'subtree'; readonly base: string; readonly source: string }
  | { readonly kind: 'suffix'; readonly base: string; readonly source: string }
  | { readonly kind: 'glob'; readonly base: string; readonly label: RegExp; readonly source: string }
  | { readonly kind: 'any'; readonly base: ''; readonly source: string };

export type ParsedPattern = { ok: true; pattern: HostPattern } | { ok: false; error: string };

function fail(error: string): ParsedPattern {
  return { ok: false, error };
}

function isPublicSuffix(name: string): boolean {
  return parseDomain(name, { allowPrivateDomains: false }).publicSuffix === name;
}

/** Validates one pattern as written in a profile (after parameter substitution). */
export function parseHostPattern(source: string, opts: { anyHost?: boolean } = {}): ParsedPattern {
  const raw = source.trim();
  if (raw === '*') {
    return opts.anyHost
      ? { ok: true, pattern: { kind: 'any', base: '', source } }
      : fail(
          `a bare '*' allows every host; write the names, or set 'anyHost: true' on the rule if you mean it`,
        );
  }
  if (raw.includes('://') || raw.includes('/')) {
    return fail(
      `'${source}' looks like a URL; write the host only (e.g. '${hostOfUrl(raw)}') and put the port in 'ports'`,
    );
  }
  if (/:\d+$/.test(raw) && !raw.includes('::')) {
    return fail(`'${source}' carries a port; write the host only and put the port in 'ports'`);
  }
  let kind: 'exact' | 'subtree' | 'suffix' | 'glob' = 'exact';
  let rest = raw;
  let firstLabel: string | null = null;
  if (raw.startsWith('*.')) {
    kind = 'subtree';
    rest = raw.slice(2);
  } else if (raw.startsWith('.')) {
    kind = 'suffix';
    rest = raw.slice(1);
  } else {
    const dot = raw.indexOf('.');
    const head = dot < 0 ? raw : raw.slice(0, dot);
    if (head.includes('*')) {
      kind = 'glob';
      firstLabel = head.toLowerCase();
      rest = dot < 0 ? '' : raw.slice(dot + 1);
    }
  }
  if (rest.includes('*')) {
    return fail(
      `'${source}': '*' may stand only as the whole first label ('*.example.com') or inside the first label ('ab*.example.com')`,
    );
  }
  if (rest.length === 0 || rest.startsWith('.') || rest.includes('..') || rest.endsWith('..')) {
    return fail(`'${source}' has an empty label`);
  }
  const normalized = normalizeHost(rest);
  if (!normalized) return fail(`'${source}' is not a valid host name`);
  if (normalized.kind !== 'name') {
    return kind === 'exact'
      ? fail(`'${source}' is an IP address; write it under 'cidrs' (e.g. '${normalized.host}/32')`)
      : fail(`'${source}' puts a wildcard over an IP address`);
  }
  const base = normalized.host;
  if (kind !== 'exact' && (isPublicSuffix(base) || !base.includes('.'))) {
    return fail(
      `'${source}' is a wildcard directly over the public suffix '${base}'; name the domain under it`,
    );
  }
  if (kind === 'glob') {
    if (!/^[a-z0-9_*-]+$/.test(firstLabel ?? '')) return fail(`'${source}' has an invalid first label`);
    const body = (firstLabel ?? '')
      .split('*')
      .map((part) => part.replace(/[-]/g, '\\-'))
      .join('[a-z0-9_-]*');
    return { ok: true, pattern: { kind, base, label: new RegExp(`^${body}$`), source } };
  }
  return { ok: true, pattern: { kind, base, source } };
}

function hostOfUrl(raw: string): string {
  try {
    return new URL(raw.includes('://') ? raw : `https://${raw}`).hostname;
  } catch {
    return 'host.example.com';
  }
}

import {
  comparablePath,
  readPathReadings,
  removeDotSegments,
  type PathReadings,
} from './read-path-readings.js';

/** A rule's `paths` entry, ready to compare with readings. */
export interface PathPrefix {
  /** In comparable form (escapes decoded but `%2F`, `%5C`), without the trailing `*`. */
  readonly base: string;
  /** Written with a trailing `*`: a plain string prefix, not a segment boundary. */
  readonly raw: boolean;
}

const allowedCharacters = /^\/[A-Za-z0-9\-._~!$&'()+,=:@/%]*\*?$/;

/**
 * Why a `paths` entry can never be compared with a canonical path, or null when it can: readings
 * have no empty or dot segments, no `;` parameters, no `\` and no escapes of `/`, `\` or `%`.
 */
export function checkPathPrefix(text: string): string | null {
  if (!allowedCharacters.test(text)) {
    return `path '${text}': expected /segment/… of letters, digits, -._~!$&'()+,=:@ and %XX escapes, '*' only at the end`;
  }
  if (/%(?![0-9a-fA-F]{2})|%(2[fF]|5[cC]|25)/.test(text)) {
    return `path '${text}': an escape must be %XX and may not encode '/', '\\' or '%'`;
  }
  const raw = text.endsWith('*');
  let base: string;
  try {
    base = comparablePath(raw ? text.slice(0, -1) : text);
  } catch {
    return `path '${text}': its escapes are not UTF-8`;
  }
  // A raw prefix may end inside a segment (`/.well*`); every complete segment must be canonical.
  const complete = raw ? base.slice(0, base.lastIndexOf('/') + 1) : base;
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  if (/[\x00-\x1f\x7f]/.test(base) || /\/\//.test(complete) || removeDotSegments(complete) !== complete) {
    return `path '${text}': empty segments, '.' and '..' never match (servers resolve them away)`;
  }
  return null;
}

/** `text` must have passed checkPathPrefix. */
export function compilePathPrefix(text: string): PathPrefix {
  const raw = text.endsWith('*');
  return { base: comparablePath(raw ? text.slice(0, -1) : text), raw };
}

/**
 * Segment boundaries: `/pkiops/crl` covers `/pkiops/crl` and `/pkiops/crl/…` (its query is not
 * part of the path), never `/pkiops/crlEVIL`. A prefix ending in `/` covers what is below it.
 */
export function prefixCovers(prefix: PathPrefix, reading: string): boolean {
  if (prefix.raw || prefix.base.endsWith('/')) return reading.startsWith(prefix.base);
  return reading === prefix.base || reading.startsWith(`${prefix.base}/`);
}

/** True when every reading of the path is covered by one of the prefixes. */
export function pathsAllow(prefixes: readonly PathPrefix[], readings: PathReadings): boolean {
  return readings !== null && readings.every((r) => prefixes.some((p) => prefixCovers(p, r)));
}

/** One-shot form for callers without compiled prefixes (the reference matcher). */
export function pathAllowedBy(paths: readonly string[], path: string): boolean {
  return pathsAllow(paths.map(compilePathPrefix), readPathReadings(path));
}

/**
 * How common servers turn the request target they received into the resource they look up,
 * written for the tests independently of src/policy: the path tests hold egressgate's decision
 * against these. Each returns the looked-up path, or null when that server refuses the request
 * (a 400 there reaches nothing).
 */

/** RFC 3986 §5.2.4 remove_dot_segments, written as the RFC's loop over an input buffer. */
function rfcRemoveDots(input: string): string {
  let rest = input;
  let out = '';
  while (rest.length > 0) {
    if (rest.startsWith('../')) rest = rest.slice(3);
    else if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('/./')) rest = rest.slice(2);
    else if (rest === '/.') rest = '/';
    else if (rest.startsWith('/../') || rest === '/..') {
      rest = rest === '/..' ? '/' : rest.slice(3);
      out = out.slice(0, Math.max(out.lastIndexOf('/'), 0));
    } else if (rest === '.' || rest === '..') rest = '';
    else {
      const next = rest.indexOf('/', 1);
      const end = next < 0 ? rest.length : next;
      out += rest.slice(0, end);
      rest = rest.slice(end);
    }
  }
  return out;
}

/** Byte-wise %XX decoding (latin1), as C servers do; null on a broken escape. */
function decodeBytes(path: string, keep: (hex: string) => boolean = () => false): string | null {
  if (/%(?![0-9a-fA-F]{2})/.test(path)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const hex = path.slice(i + 1, i + 3);
    if (path[i] === '%' && !keep(hex.toLowerCase())) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(path[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

const unreservedOnly = (path: string): string =>
  path.replace(/%([0-9a-fA-F]{2})/g, (escape, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : escape;
  });

/** nginx (merge_slashes on, the default): decodes every escape, merges slashes, resolves dots. */
function nginx(path: string): string | null {
  const decoded = decodeBytes(path);
  if (decoded === null || decoded.includes('\0')) return null;
  return rfcRemoveDots(decoded.replace(/\/{2,}/g, '/'));
}

/** nginx with merge_slashes off. */
function nginxNoMerge(path: string): string | null {
  const decoded = decodeBytes(path);
  return decoded === null || decoded.includes('\0') ? null : rfcRemoveDots(decoded);
}

/** Tomcat/Jetty: `;parameters` stripped per segment, then decoded (%2F kept), then normalized. */
function tomcat(path: string): string | null {
  const stripped = path.replace(/;[^/]*/g, '');
  const decoded = decodeBytes(stripped, (hex) => hex === '2f');
  if (decoded === null || decoded.includes('\0')) return null;
  return rfcRemoveDots(decoded.replace(/\/{2,}/g, '/'));
}

/** A servlet container behind a decoding front end: decoded first, then `;` stripped. */
function decodedThenStripped(path: string): string | null {
  const decoded = decodeBytes(path);
  return decoded === null ? null : rfcRemoveDots(decoded.replace(/;[^/]*/g, '').replace(/\/{2,}/g, '/'));
}

/** An application that decodes the whole target, then splits off what follows a (decoded) `?` or `#`. */
function decodedThenSplit(path: string): string | null {
  const decoded = decodeBytes(path);
  return decoded === null ? null : rfcRemoveDots(decoded.replace(/[?#].*$/s, ''));
}

/** IIS: decodes, `\` is a separator, dots resolved, trailing dots and spaces of names dropped. */
function iis(path: string): string | null {
  const decoded = decodeBytes(path);
  if (decoded === null) return null;
  const slashed = decoded.replaceAll('\\', '/');
  const trimmed = slashed
    .split('/')
    .map((s) => (/^\.{1,2} *$/.test(s) ? s.trimEnd() : s.replace(/[. ]+$/, '')))
    .join('/');
  return rfcRemoveDots(trimmed);
}

export type ServerName =
  'rfc3986' | 'nginx' | 'nginx-no-merge' | 'tomcat' | 'decode-then-strip' | 'decode-then-split' | 'iis';

/** Every reading the tests check, keyed by the server that takes it. */
export const serverReadings: Readonly<Record<ServerName, (path: string) => string | null>> = {
  rfc3986: (path) => rfcRemoveDots(unreservedOnly(path)),
  nginx,
  'nginx-no-merge': nginxNoMerge,
  tomcat,
  'decode-then-strip': decodedThenStripped,
  'decode-then-split': decodedThenSplit,
  iis,
};

/** The path part of a request target (no query). */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/** Segment-boundary containment, as the issue defines it for a prefix such as `/allowed/`. */
export function isInside(prefix: string, path: string): boolean {
  if (prefix.endsWith('/')) return path.startsWith(prefix);
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The servers whose reading of `target` leaves `prefix`: empty when every server stays inside. */
export function escapingReadings(prefix: string, target: string): string[] {
  const path = pathOf(target);
  return Object.entries(serverReadings)
    .filter(([, read]) => {
      const resolved = read(path);
      return resolved !== null && !isInside(prefix, resolved);
    })
    .map(([name]) => name);
}

/**
 * Every way a common server might read a request path, each as the path it finally looks up.
 * A path rule allows a request only if all of them stay inside its prefix, so the rule holds
 * whichever server is behind the name. null: a path no reading can be trusted on (invalid or
 * double percent-encoding, overlong or invalid UTF-8, control characters), refused on path rules.
 */
export type PathReadings = readonly string[] | null;

// More than this many distinct readings only comes from a path built to confuse: refused.
const MAX_READINGS = 64;
// Reading a path full of `;`, `%2f`, `\` and `..` every way costs CPU in proportion to its
// length: past this length such a path is refused rather than read (a CRL path is under 200).
const MAX_READ_LENGTH = 1024;
// Nothing any transform below would change: the path is its own only reading.
const plain = /^(?:[A-Za-z0-9\-_~!$&'()*+,=:@]|\/(?!\/)|\.(?!\/|$))*$/;

const unreserved = /%(2[dD]|2[eE]|5[fF]|7[eE]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA])/g;
// Runs of escapes, %2F and %5C excepted: a multi-byte UTF-8 character is one run.
const decodableRun = /(?:%(?!2[fF]|5[cC])[0-9a-fA-F]{2})+/g;

/** RFC 3986 §3.3/§2.3: `%41` and `A` are the same path, so all readings start from this form. */
function decodeUnreserved(path: string): string {
  return path.replace(unreserved, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)));
}

/** Decodes every escape but encoded `/` and `\`: the form readings and prefixes are compared in. */
export function comparablePath(path: string): string {
  return path.replace(decodableRun, (run) => decodeURIComponent(run));
}

/** RFC 3986 §5.2.4 on an absolute path. */
export function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      if (last) out.push('');
    } else {
      out.push(segment);
    }
  }
  return `/${out.join('/')}`;
}

/** Windows: trailing spaces and dots of a name are dropped; a name of dots alone is taken as `..`. */
function trimWindowsSegments(path: string): string {
  return path.replace(/[^/]*[. ](?=\/|$)/g, (segment) => {
    const spaceless = segment.replace(/ +$/, '');
    if (/^\.+$/.test(spaceless)) return spaceless.length === 1 ? '.' : '..';
    return segment.replace(/[. ]+$/, '');
  });
}

/** What servers do to a path before looking it up, in any order and any number of times. */
const transforms: readonly ((path: string) => string)[] = [
  // nginx, Apache, IIS, Jetty: percent-decoding (encoded `/`, `\` and `.` included).
  (p) => p.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => decodeURIComponent(run)),
  // IIS and anything on Windows: `\` separates segments.
  (p) => p.replaceAll('\\', '/'),
  // Tomcat and Jetty: `;parameters` are stripped from every segment.
  (p) => p.replace(/;[^/]*/g, ''),
  // nginx merge_slashes (on by default).
  (p) => p.replace(/\/{2,}/g, '/'),
  // Frameworks that decode the whole target before splitting off the query: a decoded `?` or `#`.
  (p) => p.replace(/[?#].*$/s, ''),
  removeDotSegments,
  trimWindowsSegments,
];

function isTrustworthy(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // An escape that is not %XX (IIS's %u002e too), or bytes that are not UTF-8: overlong forms
    // such as %c0%ae (a `.` to some decoders) are not UTF-8.
    return false;
  }
  // Control characters (NUL truncates a path on some servers) and a second layer of escapes.
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  return !/[\x00-\x1f\x7f]/.test(decoded) && !/%[0-9a-fA-F]{2}/.test(decoded);
}

/**
 * The readings of an absolute path (no query), dot segments resolved and in comparable form.
 * Computed only for rules with paths: a path without special characters has exactly one reading.
 */
export function readPathReadings(path: string): PathReadings {
  if (!path.startsWith('/')) return null;
  if (plain.test(path)) return [path];
  if (path.length > MAX_READ_LENGTH || !isTrustworthy(path)) return null;
  const start = decodeUnreserved(path);
  const seen = new Set([start]);
  const pending = [start];
  try {
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const transform of transforms) {
        const read = transform(next);
        if (seen.has(read)) continue;
        if (seen.size >= MAX_READINGS) return null;
        seen.add(read);
        pending.push(read);
      }
    }
    return [...new Set([...seen].map((p) => comparablePath(removeDotSegments(p))))];
  } catch {
    // A decoding step met bytes that are no longer UTF-8: a path built to confuse.
    return null;
  }
}

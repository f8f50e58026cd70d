import { domainToASCII } from 'node:url';
import { isIPv6 } from 'node:net';
import { mappedIPv4 } from '../address/unmap-ipv4.js';

export type NormalizedHost =
  | { readonly kind: 'name'; readonly host: string }
  | { readonly kind: 'ipv4'; readonly host: string }
  | { readonly kind: 'ipv6'; readonly host: string };

const MAX_NAME = 253;
const MAX_LABEL = 63;
// A name made only of these needs no IDN conversion; after domainToASCII the result must be one.
const PLAIN_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
// WHATWG URL: a host whose last label is numeric is an IPv4 address in some spelling (2130706433,
// 0177.0.0.1, 0x7f.1, 127.1), never a name. Treating it as a name would let it dodge CIDR rules.
const NUMERIC_LAST_LABEL = /(^|\.)(0x[0-9a-f]*|[0-9]+)$/;

/** What one pass over a host string found (see scanPlainName). */
const PLAIN = 0;
const NOT_PLAIN = 1;
const INVALID = 2;

/**
 * The hot path of every decision: one pass over the characters, no allocation. PLAIN means `host` is
 * already canonical: lower-case letters, digits, '_' and '-', labels of 1-63 characters that neither
 * start nor end with '-', no trailing dot, and a last label that is not numeric. Anything else
 * (upper case, IDN, a trailing dot, an IPv4 spelling) is NOT_PLAIN and takes the slow path.
 */
function scanPlainName(host: string): number {
  const length = host.length;
  if (length === 0 || length > MAX_NAME) return NOT_PLAIN;
  let labelStart = 0;
  let lastLabelNumeric = true;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 46 : host.charCodeAt(i);
    if (c === 46) {
      const size = i - labelStart;
      if (size === 0 || size > MAX_LABEL) return i === length && size === 0 ? NOT_PLAIN : INVALID;
      if (host.charCodeAt(labelStart) === 45 || host.charCodeAt(i - 1) === 45) return INVALID;
      // A numeric or 0x last label makes the whole host an IPv4 spelling.
      if (
        i === length &&
        (lastLabelNumeric || (host.charCodeAt(labelStart) === 48 && host.charCodeAt(labelStart + 1) === 120))
      ) {
        return NOT_PLAIN;
      }
      labelStart = i + 1;
      lastLabelNumeric = true;
      continue;
    }
    const digit = c >= 48 && c <= 57;
    if (!digit) lastLabelNumeric = false;
    if (!(digit || (c >= 97 && c <= 122) || c === 45 || c === 95)) return NOT_PLAIN;
  }
  return PLAIN;
}

/**
 * One canonical spelling per destination, or null when the input is not a valid host. Case, a trailing
 * dot, IDN and every IPv4 spelling collapse here, so the matcher only ever sees one form.
 */
export function normalizeHost(raw: string): NormalizedHost | null {
  const scanned = scanPlainName(raw);
  if (scanned === PLAIN) return { kind: 'name', host: raw };
  if (scanned === INVALID) return null;
  return normalizeSlowly(raw);
}

/** The canonical name when `raw` is already one, else null; for callers that only handle names. */
export function plainName(raw: string): string | null {
  return scanPlainName(raw) === PLAIN ? raw : null;
}

/** The general path; also the reference the fast path is property-tested against. */
export function normalizeSlowly(raw: string): NormalizedHost | null {
  if (raw.length === 0 || raw.length > MAX_NAME + 2) return null;
  let host = raw;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.includes(':')) return normalizeIPv6(host);
  host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  // One trailing dot is the root; any other empty label is no host at all.
  if (host.length === 0 || host.startsWith('.') || host.endsWith('.') || host.includes('..')) return null;
  if (NUMERIC_LAST_LABEL.test(host)) return normalizeIPv4(host);
  if (!PLAIN_NAME.test(host)) {
    // Anything else must survive IDNA (UTS #46); control bytes, spaces and '%' do not.
    // eslint-disable-next-line no-control-regex -- control bytes are exactly what must be refused
    if (/[\s%/\\@?#:[\]\x00-\x1f\x7f]/.test(host)) return null;
    host = domainToASCII(host);
    // IDNA maps some code points to digits and dots: a result that reads as an address is no name.
    if (host === '' || !PLAIN_NAME.test(host) || NUMERIC_LAST_LABEL.test(host)) return null;
  }
  if (host.length > MAX_NAME) return null;
  for (const label of host.split('.')) {
    if (label.length > MAX_LABEL || label.startsWith('-') || label.endsWith('-')) return null;
  }
  return { kind: 'name', host };
}

function normalizeIPv4(host: string): NormalizedHost | null {
  try {
    const parsed = new URL(`http://${host}/`).hostname;
    return /^\d+\.\d+\.\d+\.\d+$/.test(parsed) ? { kind: 'ipv4', host: parsed } : null;
  } catch {
    return null;
  }
}

function normalizeIPv6(host: string): NormalizedHost | null {
  // Zone ids (fe80::1%eth0) name an interface of this machine: never a valid egress target.
  if (!isIPv6(host)) return null;
  try {
    const parsed = new URL(`http://[${host}]/`).hostname.slice(1, -1);
    // An IPv4-mapped address reaches the IPv4 host: decide and classify it as that host.
    const mapped = mappedIPv4(parsed);
    if (mapped !== null) return { kind: 'ipv4', host: mapped };
    return { kind: 'ipv6', host: parsed };
  } catch {
    return null;
  }
}

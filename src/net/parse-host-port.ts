import { normalizeHost } from '../policy/normalize-host.js';
import { parsePort } from '../address/parse-port.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

// What a host may look like on the wire before normalization: printable ASCII, no userinfo,
// no spaces, no path or query. IPv6 literals keep their brackets here.
const wireHost = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)$/;

/** Lower case, no trailing dot, canonical IP spelling, IPv6 without brackets. null = not a host. */
export function normalizeWireHost(raw: string): string | null {
  if (!wireHost.test(raw)) return null;
  const bracketed = raw.startsWith('[');
  const normalized = normalizeHost(raw);
  if (normalized === null) return null;
  // Brackets hold an IPv6 literal (possibly IPv4-mapped), never a name.
  if (bracketed && normalized.kind === 'name') return null;
  return normalized.host;
}

/**
 * `host:port` or `[v6]:port`; with a default port, the port may be left out (Host headers).
 * Userinfo, spaces, non-ASCII and anything else unexpected give null.
 */
export function parseHostPort(raw: string, defaultPort?: number): HostPort | null {
  const colon = raw.lastIndexOf(':');
  const hasPort = colon > raw.lastIndexOf(']');
  if (!hasPort) {
    if (defaultPort === undefined) return null;
    const host = normalizeWireHost(raw);
    return host === null ? null : { host, port: defaultPort };
  }
  const host = normalizeWireHost(raw.slice(0, colon));
  const port = parsePort(raw.slice(colon + 1));
  return host === null || port === null ? null : { host, port };
}

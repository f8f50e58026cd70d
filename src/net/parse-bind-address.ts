import { isIP } from 'node:net';
import type { HostPort } from './parse-host-port.js';
import { parsePort } from '../address/parse-port.js';

export type ParsedBindAddress = { ok: true; address: HostPort } | { ok: false; error: string };

/**
 * Where a server binds: `ADDR:PORT` or `[V6]:PORT`, ADDR an IP literal or `localhost`, PORT 0..65535
 * (0 picks a free port). The one parser of the listener and admin addresses; the error says what is
 * wrong without naming the setting, which the caller prefixes.
 */
export function parseBindAddress(raw: string): ParsedBindAddress {
  const colon = raw.lastIndexOf(':');
  if (colon <= 0) return { ok: false, error: `expected ADDR:PORT, got "${raw}"` };
  let host = raw.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host !== 'localhost' && isIP(host) === 0) return { ok: false, error: `"${host}" is not an IP address` };
  const portText = raw.slice(colon + 1);
  const port = parsePort(portText, { allowZero: true });
  if (port === null) return { ok: false, error: `invalid port "${portText}"` };
  return { ok: true, address: { host, port } };
}

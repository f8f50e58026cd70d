import type { IncomingHttpHeaders } from 'node:http';

const hopByHop = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
];

/**
 * Removes hop-by-hop fields (RFC 9110 §7.6.1) and everything the Connection field names. A
 * websocket upgrade keeps `Connection: Upgrade` and `Upgrade`: they are what is being forwarded.
 */
export function stripHopHeaders(headers: IncomingHttpHeaders, keepUpgrade: boolean): void {
  const connection = headers.connection;
  const named = typeof connection === 'string' ? connection.toLowerCase().split(',') : [];
  for (const name of [...hopByHop, ...named.map((n) => n.trim())]) {
    if (name === '' || (keepUpgrade && (name === 'upgrade' || name === 'connection'))) continue;
    delete headers[name];
  }
  if (keepUpgrade) headers.connection = 'Upgrade';
}

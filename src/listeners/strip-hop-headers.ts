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
 * Fields the Connection field may never remove. Without Host a shared front end answers from its
 * default site, not the name that was decided; without Content-Length or Transfer-Encoding a GET's
 * body is sent unframed after the head, and the upstream parses it as a second, undecided request.
 */
const endToEnd = new Set(['host', 'content-length', 'transfer-encoding']);

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1) and everything the Connection field names. A websocket
 * upgrade keeps `Connection` and `Upgrade`: they are what is being forwarded.
 */
export function hopHeaderNames(headers: IncomingHttpHeaders, keepUpgrade: boolean): string[] {
  const connection = headers.connection;
  const named = typeof connection === 'string' ? connection.toLowerCase().split(',') : [];
  return [...hopByHop, ...named.map((n) => n.trim())].filter(
    (name) =>
      name !== '' && !endToEnd.has(name) && !(keepUpgrade && (name === 'upgrade' || name === 'connection')),
  );
}

/** Removes the hop-by-hop fields from a header object in place. */
export function stripHopHeaders(headers: IncomingHttpHeaders, keepUpgrade: boolean): void {
  for (const name of hopHeaderNames(headers, keepUpgrade)) delete headers[name];
  if (keepUpgrade) headers.connection = 'Upgrade';
}

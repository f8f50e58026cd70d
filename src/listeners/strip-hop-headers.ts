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
 * Hop-by-hop fields (RFC 9110 §7.6.1) and everything the Connection field names. A websocket
 * upgrade keeps `Connection` and `Upgrade`: they are what is being forwarded. `Host` is never
 * dropped, whatever Connection says: without it a shared front end answers from its default site,
 * which is not the name that was decided.
 */
export function hopHeaderNames(headers: IncomingHttpHeaders, keepUpgrade: boolean): string[] {
  const connection = headers.connection;
  const named = typeof connection === 'string' ? connection.toLowerCase().split(',') : [];
  return [...hopByHop, ...named.map((n) => n.trim())].filter(
    (name) =>
      name !== '' && name !== 'host' && !(keepUpgrade && (name === 'upgrade' || name === 'connection')),
  );
}

/** Removes the hop-by-hop fields from a header object in place. */
export function stripHopHeaders(headers: IncomingHttpHeaders, keepUpgrade: boolean): void {
  for (const name of hopHeaderNames(headers, keepUpgrade)) delete headers[name];
  if (keepUpgrade) headers.connection = 'Upgrade';
}

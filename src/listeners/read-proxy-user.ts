import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The proxy Basic-auth user, only when the password matches: an unverified name must never
 * select a client group.
 */
export function readProxyUser(
  headers: IncomingHttpHeaders,
  passwords: ReadonlyMap<string, string>,
): string | undefined {
  const value = headers['proxy-authorization'];
  if (value === undefined || passwords.size === 0) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const expected = passwords.get(user);
  if (expected === undefined) return undefined;
  const given = Buffer.from(decoded.slice(colon + 1));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? user : undefined;
}

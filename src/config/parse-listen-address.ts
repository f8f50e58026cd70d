import { isIP } from 'node:net';
import { parsePort } from '../net/parse-port.js';
import { ConfigError } from './config-error.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface TransparentListenAddress extends ListenAddress {
  /** The port the policy sees when the original destination cannot be read. */
  readonly destPort: number;
}

function parsePortNumber(raw: string, what: string, allowZero: boolean): number {
  const port = parsePort(raw, { allowZero });
  if (port === null) throw new ConfigError(`${what}: invalid port "${raw}"`);
  return port;
}

/** `ADDR:PORT` or `[V6]:PORT`; port 0 picks a free port. */
export function parseListenAddress(raw: string, what: string): ListenAddress {
  const colon = raw.lastIndexOf(':');
  if (colon <= 0) throw new ConfigError(`${what}: expected ADDR:PORT, got "${raw}"`);
  let host = raw.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host !== 'localhost' && isIP(host) === 0) {
    throw new ConfigError(`${what}: "${host}" is not an IP address`);
  }
  return { host, port: parsePortNumber(raw.slice(colon + 1), what, true) };
}

/** `ADDR:PORT[=DEST_PORT]`. */
export function parseTransparentAddress(
  raw: string,
  what: string,
  defaultDestPort: number,
): TransparentListenAddress {
  const [address = '', dest] = raw.split('=', 2);
  const listen = parseListenAddress(address, what);
  const destPort = dest === undefined ? defaultDestPort : parsePortNumber(dest, what, false);
  return { ...listen, destPort };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

import { parseBindAddress } from '../net/parse-bind-address.js';
import { parsePort } from '../address/parse-port.js';
import { ConfigError } from './config-error.js';

/** Where a listener (or the admin server) binds, as `parseBindAddress` reads it. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface TransparentListenAddress extends ListenAddress {
  /** The port the policy sees when the original destination cannot be read. */
  readonly destPort: number;
}

/** `ADDR:PORT` or `[V6]:PORT` (parseBindAddress); port 0 picks a free port. */
export function parseListenAddress(raw: string, what: string): ListenAddress {
  const parsed = parseBindAddress(raw);
  if (!parsed.ok) throw new ConfigError(`${what}: ${parsed.error}`);
  return parsed.address;
}

/** `ADDR:PORT[=DEST_PORT]`. */
export function parseTransparentAddress(
  raw: string,
  what: string,
  defaultDestPort: number,
): TransparentListenAddress {
  const [address = '', dest] = raw.split('=', 2);
  const listen = parseListenAddress(address, what);
  const destPort = dest === undefined ? defaultDestPort : parsePort(dest);
  if (destPort === null) throw new ConfigError(`${what}: invalid port "${dest ?? ''}"`);
  return { ...listen, destPort };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

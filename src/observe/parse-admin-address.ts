export interface AdminAddress {
  readonly host: string;
  readonly port: number;
}

export class AdminAddressError extends Error {
  readonly code = 'invalid_admin_address';
  constructor(message: string) {
    super(message);
    this.name = 'AdminAddressError';
  }
}

/**
 * "host:port", "[v6]:port", ":port" or "port". Without a host the admin server stays on loopback:
 * it exposes the policy and the denied destinations, which are not for the whole network.
 */
export function parseAdminAddress(text: string): AdminAddress {
  const trimmed = text.trim();
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(trimmed) ?? /^()()(\d+)$/.exec(trimmed);
  if (match === null) throw new AdminAddressError(`invalid admin address "${text}": expected host:port`);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AdminAddressError(`invalid admin address "${text}": port must be 0-65535`);
  }
  return { host: host === '' ? '127.0.0.1' : host, port };
}

import { isIPv6 } from 'node:net';
import type { SocketAddress } from '../egress-request.js';

/** "ip:port", with IPv6 in brackets so the port stays unambiguous. */
export function formatAddress(a: SocketAddress): string {
  return isIPv6(a.address) ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

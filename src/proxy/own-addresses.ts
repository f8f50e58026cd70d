import { networkInterfaces } from 'node:os';
import type { SocketAddress } from '../egress-request.js';
import { unmapIPv4 } from '../address/unmap-ipv4.js';

function isAnyOrLoopback(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '::1' || /^127\./.test(address);
}

/**
 * Whether an address is one of egressgate's own listeners: the same port on this machine.
 * Interface addresses are read per call, so an address added after start-up still counts.
 */
export function createOwnAddressTest(
  listeners: () => readonly SocketAddress[],
): (a: SocketAddress) => boolean {
  return (candidate) => {
    const bound = listeners().filter((l) => l.port === candidate.port);
    if (bound.length === 0) return false;
    const address = unmapIPv4(candidate.address);
    if (isAnyOrLoopback(address)) return true;
    if (bound.some((l) => l.address === address)) return true;
    const local = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
    return local.includes(address);
  };
}

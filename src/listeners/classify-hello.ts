import { isIP } from 'node:net';
import type { HelloOk } from '../net/parse-client-hello.js';
import { normalizeWireHost } from '../net/parse-host-port.js';
import type { DenyReason } from '../policy/decision.js';

/**
 * What a transparent listener decides a ClientHello on: its SNI, normalized, or why it cannot.
 * no_sni, ip_sni and not_tls fall back to CIDR rules on the original destination (handleEgress).
 */
export function classifyHello(
  hello: HelloOk | null,
  loop: boolean,
): { host: string | null; denial?: DenyReason } {
  if (hello === null) return { host: null, denial: 'not_tls' };
  if (hello.sni === null) return { host: null, denial: 'no_sni' };
  if (isIP(hello.sni.replace(/^\[(.*)\]$/, '$1')) !== 0) return { host: hello.sni, denial: 'ip_sni' };
  const host = normalizeWireHost(hello.sni);
  if (host === null) return { host: null, denial: 'invalid_target' };
  // Other IPv4 spellings (127.1, 0x7f.0.0.1, 2130706433, a trailing dot) are addresses too.
  if (isIP(host) !== 0) return { host, denial: 'ip_sni' };
  return loop ? { host, denial: 'loop' } : { host };
}

import type { EgressRequest } from '../egress-request.js';
import type { Connection } from '../net/create-dialer.js';
import type { Deny } from '../policy/decision.js';
import type { DialErrorCode } from '../net/dial-error.js';
import type { Tunnel } from '../net/tunnel.js';
import type { DenyStyle } from '../config/serve-config.js';

/**
 * A name the client shows only after its connection was allowed (the SNI of a ClientHello inside a
 * CONNECT tunnel), decided with the group and policy that allowed the connection. true = refuse it
 * (the denial is recorded already).
 */
export type DecideInner = (sni: string | null) => boolean;

/**
 * How one listener talks to its client: a 403 with Proxy-Status, or a TLS alert; a 200 and a
 * tunnel, or an HTTP forward. handleEgress decides what happens, the responder says it. Whatever
 * relay() returns, a byte tunnel or an HTTP forward, is a Tunnel: it settles with why it ended and
 * can be closed from outside (drain).
 */
export interface EgressResponder {
  deny(request: EgressRequest, decision: Deny, style: DenyStyle): void;
  dialFailed(request: EgressRequest, code: DialErrorCode, message: string): void;
  relay(request: EgressRequest, connection: Connection, decideInner: DecideInner): Tunnel;
}

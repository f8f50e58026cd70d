import type { EgressRequest } from '../egress-request.js';
import type { Connection } from '../net/create-dialer.js';
import type { Deny } from '../policy/decision.js';
import type { CloseReason } from '../net/close-reason.js';
import type { DialErrorCode } from '../net/dial-error.js';
import type { DenyStyle } from '../config/serve-config.js';

/** A relay in progress: settles with why it ended; close() ends it from outside (drain). */
export interface Relay {
  readonly done: Promise<CloseReason>;
  close(reason: CloseReason): void;
  /** The upstream socket's counters when bytes move past Node (native relay); absent = the socket's. */
  bytes?(): { readonly written: number; readonly read: number };
  /** Bytes while the relay is open (native relay), counted in the metrics before the close. */
  watchBytes?(onBytes: (bytesOut: number, bytesIn: number) => void): void;
}

/**
 * How one listener talks to its client: a 403 with Proxy-Status, or a TLS alert; a 200 and a
 * tunnel, or an HTTP forward. handleEgress decides what happens, the responder says it.
 */
export interface EgressResponder {
  deny(request: EgressRequest, decision: Deny, style: DenyStyle): void;
  dialFailed(request: EgressRequest, code: DialErrorCode, message: string): void;
  relay(request: EgressRequest, connection: Connection): Relay;
}

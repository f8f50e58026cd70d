import type { EgressRequest, SocketAddress } from '../egress-request.js';
import type { Decision, Mode } from '../policy/decision.js';

export type CloseReason =
  | 'client_closed'
  | 'upstream_closed'
  | 'idle_timeout'
  | 'dial_error'
  | 'denied'
  | 'drained'
  | 'error'
  /** The upstream answered a websocket upgrade with something other than a valid handshake. */
  | 'upstream_protocol_error';

/** Typed dial failures; each maps to one RFC 9209 error and one HTTP status (see src/net/dial-error.ts). */
export type DialErrorCode =
  | 'dns_error'
  | 'connection_refused'
  | 'connection_timeout'
  | 'connection_terminated'
  | 'destination_ip_prohibited'
  | 'destination_unavailable'
  | 'proxy_internal_error';

/** Everything known about one connection when it ends: the close log line is made from this. */
export interface ConnectionRecord {
  readonly request: EgressRequest;
  readonly group: string | null;
  readonly decision: Decision;
  readonly mode: Mode;
  readonly dialed: SocketAddress | null;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly durationMs: number;
  readonly closeReason: CloseReason;
}

/**
 * The one sink for what handleEgress learns. The observe module turns each call into the decision
 * log line and the metrics, so listeners and the proxy core never touch pino or prom-client directly.
 */
export interface Recorder {
  decided(request: EgressRequest, group: string | null, decision: Decision, mode: Mode): void;
  connected(request: EgressRequest, dialed: SocketAddress, connectSeconds: number): void;
  dialFailed(request: EgressRequest, code: DialErrorCode): void;
  closed(record: ConnectionRecord): void;
  /** Bytes an open relay moved since its last report; closed() then counts only the rest. */
  relayed?(request: EgressRequest, bytesOut: number, bytesIn: number): void;
  /** Which connection limit refused this request; called before decided(). */
  limitReached?(request: EgressRequest, scope: 'global' | 'group'): void;
}

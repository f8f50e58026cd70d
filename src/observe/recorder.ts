import type { EgressRequest, SocketAddress } from '../egress-request.js';
import type { Decision, Mode } from '../policy/decision.js';
import type { CloseReason } from '../net/close-reason.js';
import type { DialErrorCode } from '../net/dial-error.js';

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
  /**
   * A bug cut this connection short before its close line: say so, and forget what was held for it
   * (a decision line waiting for the dial, its place in the open-connections gauge).
   */
  failed?(request: EgressRequest, error: unknown): void;
}

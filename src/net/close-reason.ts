/** Why a relayed connection ended; the `close` decision-log line carries it. */
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

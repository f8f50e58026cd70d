import type { NativeRelay } from '../net/native-relay.js';
import type { PendingConnections } from './pending-connections.js';

/** Limits and timeouts every listener applies to its clients. */
export interface ListenerOptions {
  readonly maxHeaderBytes: number;
  readonly headersTimeoutMs: number;
  readonly helloTimeoutMs: number;
  readonly maxHelloBytes: number;
  readonly idleMs: number;
  /** Proxy Basic-auth passwords by user, for client groups that name users. */
  readonly passwords: ReadonlyMap<string, string>;
  /** Caps sockets that have not sent a complete hello yet; absent = no cap. */
  readonly pending?: PendingConnections;
  /** Decide the SNI of a ClientHello inside CONNECT tunnels to port 443; absent = false. */
  readonly tunnelSniCheck?: boolean;
  /** The splice(2) relay for allowed tunnels; absent or null = the JS relay. */
  readonly nativeRelay?: NativeRelay | null;
}

import type { ConnectToRule } from '../net/connect-to.js';
import type { HostPort } from '../net/parse-host-port.js';
import type { ClientGroup } from './client-group.js';
import type { ListenAddress, TransparentListenAddress } from './parse-listen-address.js';

/** Where log lines go (config `log.destination`). */
export type LogDestination =
  | { readonly kind: 'stdout' }
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'syslog';
      readonly protocol: 'udp' | 'tcp';
      readonly host: string;
      readonly port: number;
      readonly facility: number;
      readonly appName: string;
    };

/** Everything `serve` runs with: the config file, the flags over it, and every default filled in. */
export interface ServeSettings {
  readonly listen: ListenAddress;
  readonly admin: ListenAddress | null;
  readonly transparentTls: readonly TransparentListenAddress[];
  readonly transparentHttp: readonly TransparentListenAddress[];
  /** Profile directories, searched in order; a profile in a later one replaces an earlier one's. */
  readonly policiesDir: string | readonly string[];
  readonly groups: readonly ClientGroup[];
  readonly connectTo: readonly ConnectToRule[];
  /** Lab: delay before every allowed connection is dialed; absent = none. */
  readonly latencyMs?: number;
  readonly upstreamProxy: HostPort | null;
  readonly limits: {
    readonly maxConnections: number;
    readonly maxPendingConnections: number;
    readonly helloTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly maxHeaderBytes: number;
    readonly maxHelloBytes: number;
  };
  readonly timeouts: { readonly connectMs: number; readonly idleMs: number };
  readonly drainTimeoutMs: number;
  readonly tunnelSniCheck: boolean;
  readonly logLevel: string;
  readonly logDestination: LogDestination;
  readonly deniedTopN: number;
}

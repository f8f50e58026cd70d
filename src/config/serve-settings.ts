import type { ConnectToRule } from '../net/connect-to.js';
import type { HostPort } from '../net/parse-host-port.js';
import type { ClientGroup } from './client-group.js';
import type { DecisionLogging } from './serve-config.js';
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
  readonly transparentTcp: readonly ListenAddress[];
  /** Profile directories, searched in order; a profile in a later one replaces an earlier one's. */
  readonly policiesDir: string | readonly string[];
  readonly groups: readonly ClientGroup[];
  /** Azure Service Tags JSON file, read at every policy load; null = service-tag rows match by host only. */
  readonly serviceTags: string | null;
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
    /** transparent-tcp: how long to wait for a client's first bytes before deciding on the address. */
    readonly peekTimeoutMs: number;
  };
  readonly timeouts: { readonly connectMs: number; readonly idleMs: number };
  readonly drainTimeoutMs: number;
  readonly tunnelSniCheck: boolean;
  /** Worker processes; 1 = the gateway runs in this process, as before. */
  readonly workers: number;
  /** The relay asked for; null = native where the addon is built, else js. */
  readonly relay: 'native' | 'js' | null;
  readonly logLevel: string;
  readonly logDecisions: DecisionLogging;
  readonly logDestination: LogDestination;
  readonly deniedTopN: number;
}

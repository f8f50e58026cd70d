import type { Mode } from '../policy/decision.js';

export type DenyStyle = 'forbidden' | 'reset' | 'drop';
export type ParameterValue = string | number | boolean | readonly (string | number)[];

export interface ClientGroupConfig {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly users?: readonly string[];
  readonly profiles: readonly string[];
  readonly parameters?: Readonly<Record<string, ParameterValue>>;
  readonly mode?: Mode;
  readonly denyStyle?: DenyStyle;
  readonly maxConnections?: number;
}

/** The serve config file as written (docs/design.md "Config format"); every key optional. */
export interface ServeConfig {
  readonly listen?: string;
  readonly admin?: string;
  readonly transparentTls?: readonly string[];
  readonly transparentHttp?: readonly string[];
  readonly policies?: string | readonly string[];
  readonly profiles?: readonly string[];
  readonly parameters?: Readonly<Record<string, ParameterValue>>;
  readonly mode?: Mode;
  readonly denyStyle?: DenyStyle;
  /** Lab: delay before every allowed connection is dialed. */
  readonly latencyMs?: number;
  readonly connectTo?: readonly string[];
  readonly upstreamProxy?: string;
  readonly allowClients?: readonly string[];
  readonly clientGroups?: readonly ClientGroupConfig[];
  readonly limits?: {
    readonly maxConnections?: number;
    readonly maxPendingConnections?: number;
    readonly helloTimeoutMs?: number;
    readonly headersTimeoutMs?: number;
    readonly maxHeaderBytes?: number;
    readonly maxHelloBytes?: number;
  };
  readonly timeouts?: { readonly connectMs?: number; readonly idleMs?: number };
  readonly drainTimeoutMs?: number;
  /** Inside a CONNECT to port 443, decide a ClientHello SNI that differs from the CONNECT host. */
  readonly tunnelSniCheck?: boolean;
  readonly log?: {
    readonly level?: string;
    readonly destination?: 'stdout' | 'file' | 'syslog';
    readonly file?: string;
    readonly syslog?: { readonly address: string; readonly facility?: number; readonly appName?: string };
  };
  readonly metrics?: { readonly deniedTopN?: number };
}

import type { Mode } from '../policy/decision.js';

export type DenyStyle = 'forbidden' | 'reset' | 'drop';
/** Which decision and close lines are written, whatever the log level: all, denials only, none. */
export type DecisionLogging = 'all' | 'deny' | 'none';
export type ParameterValue = string | number | boolean | readonly (string | number)[];

export interface ClientGroupConfig {
  readonly name: string;
  readonly cidrs: readonly string[];
  readonly users?: readonly string[];
  readonly profiles: readonly string[];
  readonly parameters?: Readonly<Record<string, ParameterValue>>;
  /** PROFILE/RULE-ID of shipped rules this group leaves out. */
  readonly excludeRules?: readonly string[];
  readonly mode?: Mode;
  readonly denyStyle?: DenyStyle;
  readonly maxConnections?: number;
  readonly privateDestinations?: readonly string[];
}

/** The serve config file as written (docs/design.md "Config format"); every key optional. */
export interface ServeConfig {
  readonly listen?: string;
  readonly admin?: string;
  readonly transparentTls?: readonly string[];
  readonly transparentHttp?: readonly string[];
  /** Transparent listeners for redirected traffic of any protocol (`ADDR:PORT`). */
  readonly transparentTcp?: readonly string[];
  readonly policies?: string | readonly string[];
  readonly profiles?: readonly string[];
  readonly parameters?: Readonly<Record<string, ParameterValue>>;
  readonly excludeRules?: readonly string[];
  /** Azure Service Tags JSON file that `servicetags:` rows expand through. */
  readonly servicetags?: string;
  readonly mode?: Mode;
  readonly denyStyle?: DenyStyle;
  /** Lab: delay before every allowed connection is dialed. */
  readonly latencyMs?: number;
  readonly connectTo?: readonly string[];
  readonly upstreamProxy?: string;
  readonly allowClients?: readonly string[];
  readonly clientGroups?: readonly ClientGroupConfig[];
  /** privateDestinations of the default group (`allowClients`, or `local`). */
  readonly privateDestinations?: readonly string[];
  readonly limits?: {
    readonly maxConnections?: number;
    readonly maxPendingConnections?: number;
    readonly helloTimeoutMs?: number;
    readonly headersTimeoutMs?: number;
    readonly maxHeaderBytes?: number;
    readonly maxHelloBytes?: number;
    readonly peekTimeoutMs?: number;
  };
  readonly timeouts?: { readonly connectMs?: number; readonly idleMs?: number };
  readonly drainTimeoutMs?: number;
  /** Inside a CONNECT to port 443, decide a ClientHello SNI that differs from the CONNECT host. */
  readonly tunnelSniCheck?: boolean;
  /** Processes sharing the listening ports (SO_REUSEPORT); `auto` = one per CPU. Default 1. */
  readonly workers?: number | 'auto';
  /** Who moves tunnel bytes: the splice(2) addon (default where it is built) or Node streams. */
  readonly relay?: 'native' | 'js';
  readonly log?: {
    readonly level?: string;
    readonly decisions?: DecisionLogging;
    readonly destination?: 'stdout' | 'file' | 'syslog';
    readonly file?: string;
    readonly syslog?: { readonly address: string; readonly facility?: number; readonly appName?: string };
  };
  readonly metrics?: { readonly deniedTopN?: number };
}

import { ConfigError } from './config-error.js';
import type { ServeConfig } from './serve-config.js';

/** The `serve` flags that mirror config keys; absent = keep the file's value. */
export interface ServeFlags {
  readonly profile?: readonly string[];
  readonly set?: Readonly<Record<string, string>>;
  /** Repeatable; a single string is still taken (callers built before the flag was a list). */
  readonly policies?: string | readonly string[];
  readonly listen?: string;
  readonly transparentTls?: readonly string[];
  readonly transparentHttp?: readonly string[];
  readonly transparentTcp?: readonly string[];
  readonly admin?: string;
  readonly mode?: string;
  readonly denyStyle?: string;
  readonly latency?: string;
  readonly connectTo?: readonly string[];
  readonly upstreamProxy?: string;
  readonly allowClient?: readonly string[];
  readonly logDecisions?: string;
  readonly workers?: string;
}

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list !== undefined && list.length > 0 ? list : undefined;
}

/** Flags override the file key by key; `--set` overrides single parameters and keeps the others. */
export function mergeServeFlags(file: ServeConfig, flags: ServeFlags): ServeConfig {
  if (flags.mode !== undefined && flags.mode !== 'enforce' && flags.mode !== 'report') {
    throw new ConfigError(`--mode must be enforce or report, not "${flags.mode}"`);
  }
  if (flags.denyStyle !== undefined && !['forbidden', 'reset', 'drop'].includes(flags.denyStyle)) {
    throw new ConfigError(`--deny-style must be forbidden, reset or drop, not "${flags.denyStyle}"`);
  }
  if (flags.latency !== undefined && !/^[0-9]{1,7}$/.test(flags.latency)) {
    throw new ConfigError(`--latency must be a whole number of milliseconds, not "${flags.latency}"`);
  }
  if (flags.logDecisions !== undefined && !['all', 'deny', 'none'].includes(flags.logDecisions)) {
    throw new ConfigError(`--log-decisions must be all, deny or none, not "${flags.logDecisions}"`);
  }
  if (flags.workers !== undefined && !/^([1-9][0-9]{0,2}|auto)$/.test(flags.workers)) {
    throw new ConfigError(`--workers must be a number of processes (1-256) or auto, not "${flags.workers}"`);
  }
  const overrides: Record<string, unknown> = {
    profiles: nonEmpty(flags.profile),
    policies: typeof flags.policies === 'string' ? flags.policies : nonEmpty(flags.policies),
    listen: flags.listen,
    transparentTls: nonEmpty(flags.transparentTls),
    transparentHttp: nonEmpty(flags.transparentHttp),
    transparentTcp: nonEmpty(flags.transparentTcp),
    admin: flags.admin,
    mode: flags.mode,
    denyStyle: flags.denyStyle,
    latencyMs: flags.latency === undefined ? undefined : Number(flags.latency),
    connectTo: nonEmpty(flags.connectTo),
    upstreamProxy: flags.upstreamProxy,
    allowClients: nonEmpty(flags.allowClient),
    workers: flags.workers === undefined || flags.workers === 'auto' ? flags.workers : Number(flags.workers),
  };
  const merged: Record<string, unknown> = { ...file };
  if (flags.logDecisions !== undefined) merged['log'] = { ...file.log, decisions: flags.logDecisions };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  if (flags.set !== undefined && Object.keys(flags.set).length > 0) {
    merged['parameters'] = { ...file.parameters, ...flags.set };
  }
  return merged;
}

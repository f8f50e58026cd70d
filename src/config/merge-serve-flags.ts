import type { ErrorObject } from 'ajv';
import {
  describeSchemaError,
  pickSchemaError,
  toDocumentPath,
  valueAt,
} from '../policy/describe-schema-error.js';
import { ConfigError } from './config-error.js';
import { configValidator } from './load-config.js';
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

/**
 * The flag that sets each top-level config key, and what it takes in the operator's words (an enum's
 * values are read from the schema). The checks themselves are the config schema's.
 */
const FLAGS: Readonly<Record<string, { readonly flag: string; readonly expects?: string }>> = {
  profiles: { flag: '--profile', expects: 'a profile name (a-z, 0-9, -)' },
  parameters: { flag: '--set', expects: 'KEY=VALUE, KEY a parameter name (a-z, 0-9, _)' },
  policies: { flag: '--policies', expects: 'a directory' },
  listen: { flag: '--listen', expects: 'ADDR:PORT' },
  transparentTls: { flag: '--transparent-tls', expects: 'ADDR:PORT[=DEST_PORT]' },
  transparentHttp: { flag: '--transparent-http', expects: 'ADDR:PORT[=DEST_PORT]' },
  transparentTcp: { flag: '--transparent-tcp', expects: 'ADDR:PORT' },
  admin: { flag: '--admin', expects: 'ADDR:PORT' },
  mode: { flag: '--mode' },
  denyStyle: { flag: '--deny-style' },
  latencyMs: { flag: '--latency', expects: 'a whole number of milliseconds' },
  connectTo: { flag: '--connect-to', expects: 'HOST1:PORT1:HOST2:PORT2' },
  upstreamProxy: { flag: '--upstream-proxy', expects: 'http://HOST:PORT' },
  allowClients: { flag: '--allow-client', expects: 'a CIDR' },
  log: { flag: '--log-decisions' },
  workers: { flag: '--workers', expects: 'a number of processes (1-256) or auto' },
};

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list !== undefined && list.length > 0 ? list : undefined;
}

/** Digits become a number; anything else stays as written, for the schema to refuse by name. */
function wholeNumber(raw: string | undefined): number | string | undefined {
  return raw !== undefined && /^[0-9]{1,15}$/.test(raw) ? Number(raw) : raw;
}

function orList(values: readonly unknown[]): string {
  const words = values.map(String);
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

/** A schema error about a flag's value, told as the flag: `--mode must be enforce or report, not "block"`. */
function flagError(err: ErrorObject, merged: ServeConfig, fromFlags: ReadonlySet<string>): ConfigError {
  const path = toDocumentPath(err.instancePath);
  const top = String(path[0] ?? '');
  const flag = FLAGS[top];
  if (flag === undefined || !fromFlags.has(top))
    return new ConfigError(describeSchemaError(err, merged).message);
  const key = (err as { propertyName?: string }).propertyName;
  const value = key ?? valueAt(merged, path);
  const allowed = (err.params as { allowedValues?: readonly unknown[] }).allowedValues;
  const expects = flag.expects ?? (allowed === undefined ? 'valid' : orList(allowed));
  const written = typeof value === 'string' ? value : JSON.stringify(value);
  return new ConfigError(`${flag.flag} must be ${expects}, not "${written}"`);
}

/**
 * Flags override the file key by key; `--set` overrides single parameters and keeps the others.
 * The result is checked by the config file's schema, so a flag takes exactly what its key takes.
 */
export function mergeServeFlags(file: ServeConfig, flags: ServeFlags): ServeConfig {
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
    latencyMs: wholeNumber(flags.latency),
    connectTo: nonEmpty(flags.connectTo),
    upstreamProxy: flags.upstreamProxy,
    allowClients: nonEmpty(flags.allowClient),
    workers: flags.workers === 'auto' ? flags.workers : wholeNumber(flags.workers),
    log: flags.logDecisions === undefined ? undefined : { ...file.log, decisions: flags.logDecisions },
    parameters:
      flags.set === undefined || Object.keys(flags.set).length === 0
        ? undefined
        : { ...file.parameters, ...flags.set },
  };
  const merged: Record<string, unknown> = { ...file };
  const fromFlags = new Set<string>();
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    merged[key] = value;
    fromFlags.add(key);
  }
  const validate = configValidator();
  if (!validate(merged)) throw flagError(pickSchemaError(validate.errors ?? []), merged, fromFlags);
  return merged;
}

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

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list !== undefined && list.length > 0 ? list : undefined;
}

/** Digits become a number; anything else stays as written, for the schema to refuse by name. */
function wholeNumber(raw: string | undefined): number | string | undefined {
  return raw !== undefined && /^[0-9]{1,15}$/.test(raw) ? Number(raw) : raw;
}

interface FlagSpec {
  readonly flag: string;
  /** What the flag takes in the operator's words; an enum's values are read from the schema instead. */
  readonly expects?: string;
  /** The key's value from the flags; undefined = the flag was not given, the file's value stays. */
  readonly take: (flags: ServeFlags, file: ServeConfig) => unknown;
}

/** The flag that sets each top-level config key. What a flag may take is the config schema's rule. */
const FLAGS: Readonly<Record<string, FlagSpec>> = {
  profiles: {
    flag: '--profile',
    expects: 'a profile name (a-z, 0-9, -)',
    take: (f) => nonEmpty(f.profile),
  },
  parameters: {
    flag: '--set',
    expects: 'KEY=VALUE, KEY a parameter name (a-z, 0-9, _)',
    // Single parameters over the file's, keeping the others.
    take: (f, file) =>
      f.set === undefined || Object.keys(f.set).length === 0 ? undefined : { ...file.parameters, ...f.set },
  },
  policies: {
    flag: '--policies',
    expects: 'a directory',
    take: (f) => (typeof f.policies === 'string' ? f.policies : nonEmpty(f.policies)),
  },
  listen: { flag: '--listen', expects: 'ADDR:PORT', take: (f) => f.listen },
  transparentTls: {
    flag: '--transparent-tls',
    expects: 'ADDR:PORT[=DEST_PORT]',
    take: (f) => nonEmpty(f.transparentTls),
  },
  transparentHttp: {
    flag: '--transparent-http',
    expects: 'ADDR:PORT[=DEST_PORT]',
    take: (f) => nonEmpty(f.transparentHttp),
  },
  transparentTcp: {
    flag: '--transparent-tcp',
    expects: 'ADDR:PORT',
    take: (f) => nonEmpty(f.transparentTcp),
  },
  admin: { flag: '--admin', expects: 'ADDR:PORT', take: (f) => f.admin },
  mode: { flag: '--mode', take: (f) => f.mode },
  denyStyle: { flag: '--deny-style', take: (f) => f.denyStyle },
  latencyMs: {
    flag: '--latency',
    expects: 'a whole number of milliseconds',
    take: (f) => wholeNumber(f.latency),
  },
  connectTo: { flag: '--connect-to', expects: 'HOST1:PORT1:HOST2:PORT2', take: (f) => nonEmpty(f.connectTo) },
  upstreamProxy: { flag: '--upstream-proxy', expects: 'http://HOST:PORT', take: (f) => f.upstreamProxy },
  allowClients: { flag: '--allow-client', expects: 'a CIDR', take: (f) => nonEmpty(f.allowClient) },
  log: {
    flag: '--log-decisions',
    take: (f, file) =>
      f.logDecisions === undefined ? undefined : { ...file.log, decisions: f.logDecisions },
  },
  workers: {
    flag: '--workers',
    expects: 'a number of processes (1-256) or auto',
    take: (f) => (f.workers === 'auto' ? f.workers : wholeNumber(f.workers)),
  },
};

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
 * Flags override the file key by key. The result is checked by the config file's schema, so a flag
 * takes exactly what its key takes.
 */
export function mergeServeFlags(file: ServeConfig, flags: ServeFlags): ServeConfig {
  const merged: Record<string, unknown> = { ...file };
  const fromFlags = new Set<string>();
  for (const [key, spec] of Object.entries(FLAGS)) {
    const value = spec.take(flags, file);
    if (value === undefined) continue;
    merged[key] = value;
    fromFlags.add(key);
  }
  const validate = configValidator();
  if (!validate(merged)) throw flagError(pickSchemaError(validate.errors ?? []), merged, fromFlags);
  return merged;
}

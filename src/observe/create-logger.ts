import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactUserinfo } from './redact-userinfo.js';

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Where JSON lines go; stdout when absent. Tests pass a stream to capture lines. */
  readonly destination?: DestinationStream;
  /** Human-readable output (pino-pretty) — meant for a terminal; falls back to JSON when not installed. */
  readonly pretty?: boolean;
}

/** Header and field paths that can carry credentials, wherever a module happens to log them. */
export const REDACT_PATHS: readonly string[] = [
  'proxyAuthorization',
  'authorization',
  'password',
  'headers["proxy-authorization"]',
  'headers.authorization',
  'headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.proxyAuthorization',
];

/**
 * The top-level names among REDACT_PATHS. A wildcard path (`*.password`) makes pino run the redactor
 * over every field of every line; flat records (no nested objects) can only match these names.
 */
const TOP_LEVEL_REDACT_PATHS: readonly string[] = REDACT_PATHS.filter((p) => /^[A-Za-z]+$/.test(p));

/** String fields that may hold a URL or an authority with userinfo in it. */
const URL_FIELDS: readonly string[] = ['url', 'upstreamProxy', 'host', 'hostHeader', 'target', 'path'];

/**
 * stdout through sonic-boom, asynchronously, in batches: each async write is a hand-off to libuv's
 * thread pool (a futex wake, a thread switch, a write, a completion wake-up), and one per log line was
 * about a fifth of egressgate's CPU per connection in the connection-rate bench. Lines now wait until
 * 4 KiB have gathered or 100 ms have passed; pino still flushes synchronously on exit.
 */
const STDOUT_BATCHING = { dest: 1, sync: false, minLength: 4096, periodicFlush: 100 } as const;

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function isLogLevel(value: string): value is LevelWithSilent {
  return LEVELS.includes(value);
}

export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions = {
    level: options.level,
    base: { pid: process.pid },
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    formatters: {
      level: (label: string) => ({ level: label }),
      log: scrubUrlFields,
    },
    // `time` stays pino's epoch milliseconds: `egressgate audit` reads it as a number.
  };
  const destination = options.destination ?? (options.pretty === true ? loadPretty() : undefined);
  return pino(pinoOptions, destination ?? pino.destination(STDOUT_BATCHING));
}

/**
 * A child for the per-connection decision and close lines, whose values are all strings, numbers,
 * booleans or null: the same output and URL scrubbing, without the wildcard redaction walk (about a
 * tenth of a connection's CPU in the connection-rate bench). `level` gives the child its own level,
 * so decision lines do not follow the parent's (`log.decisions` governs them).
 */
export function createFlatRecordLogger(logger: Logger, level?: LevelWithSilent): Logger {
  return logger.child(
    {},
    {
      redact: { paths: [...TOP_LEVEL_REDACT_PATHS], censor: '[REDACTED]' },
      ...(level === undefined ? {} : { level }),
    },
  );
}

function scrubUrlFields(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key of URL_FIELDS) {
    const value = object[key];
    if (typeof value !== 'string') continue;
    const redacted = redactUserinfo(value);
    if (redacted === value) continue;
    copy ??= { ...object };
    copy[key] = redacted;
  }
  return copy ?? object;
}

/**
 * pino-pretty is a dev/optional dependency: a production image may not have it, and then the output
 * stays JSON rather than failing at start-up. createRequire keeps createLogger synchronous.
 */
function loadPretty(): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

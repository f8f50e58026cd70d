import pino, { type Logger } from 'pino';

type RecordLevel = 'info' | 'warn';

/**
 * Writes the per-connection decision and close lines. The caller builds the fields as a JSON text
 * (`,"key":value` pairs, in the order pino would write them) with `jsonString`, so no object is
 * walked per line; the writer adds what pino adds (level, time, bindings, msg) from the logger
 * itself, so the line is byte for byte the one `logger[level](fields, msg)` writes.
 */
export interface RecordWriter {
  enabled(level: RecordLevel): boolean;
  write(level: RecordLevel, fields: string, msg: string): void;
}

const { chindingsSym, endSym, hooksSym, lsCacheSym, mixinSym, streamSym, timeSym } = pino.symbols;
/** pino.multistream marks its streams with this: they want the level and object of every line. */
const needsMetadata = Symbol.for('pino.metadata');

interface LineStream {
  write(line: string): unknown;
}

/**
 * `logger` must be a flat-record logger (createFlatRecordLogger): no field of these lines is
 * redacted or rewritten by it, since the recorder redacts credentials before it serialises. Where
 * the logger does more per line than pino's plain JSON path (a mixin, a stream-write hook, a
 * multistream that wants each line's object) every line goes through pino instead.
 */
export function createRecordWriter(logger: Logger): RecordWriter {
  const internal = (sym: symbol): unknown => (logger as unknown as Record<symbol, unknown>)[sym];
  const levelPrefixes = internal(lsCacheSym) as Readonly<Record<number, string>>;
  const time = internal(timeSym) as () => string;
  const bindings = internal(chindingsSym) as string;
  const end = internal(endSym) as string;
  const stream = internal(streamSym) as LineStream & Record<symbol, unknown>;
  const hooks = internal(hooksSym) as Readonly<Record<string, unknown>>;
  const prefix = {
    info: levelPrefixes[logger.levels.values['info'] ?? 30],
    warn: levelPrefixes[logger.levels.values['warn'] ?? 40],
  };
  const plain =
    internal(mixinSym) === undefined &&
    hooks['streamWrite'] === undefined &&
    hooks['logMethod'] === undefined &&
    stream[needsMetadata] !== true &&
    typeof prefix.info === 'string' &&
    typeof prefix.warn === 'string' &&
    typeof time === 'function' &&
    typeof bindings === 'string' &&
    typeof end === 'string';
  return {
    enabled: (level) => logger.isLevelEnabled(level),
    write(level, fields, msg) {
      if (!logger.isLevelEnabled(level)) return;
      if (!plain) {
        logger[level](JSON.parse(`{${fields.slice(1)}}`) as object, msg);
        return;
      }
      // pino's own order: level, time, bindings (pid), the fields, msg.
      stream.write(`${prefix[level]}${time.call(logger)}${bindings}${fields},"msg":${jsonString(msg)}${end}`);
    },
  };
}

/**
 * A JSON string exactly as pino writes a string value: short strings with no control character
 * only get `"` and `\` escaped, anything else goes through JSON.stringify.
 */
export function jsonString(value: string): string {
  const length = value.length;
  if (length > 100) return JSON.stringify(value);
  let escaped = '';
  let last = 0;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 32) return JSON.stringify(value);
    if (code === 34 || code === 92) {
      escaped += `${value.slice(last, i)}\\`;
      last = i;
    }
  }
  return last === 0 && escaped === '' ? `"${value}"` : `"${escaped}${value.slice(last)}"`;
}

/** A number as pino writes it: non-finite numbers become null. */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** A JSON string or null. */
export function jsonNullable(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : jsonString(value);
}

import { EgressgateError } from '../egressgate-error.js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A log input that could not be read (missing file, corrupt gzip). Lines read before it still count. */
export class LogReadError extends EgressgateError<'LOG_READ'> {
  constructor(file: string, message: string, options: { cause?: unknown } = {}) {
    super('LOG_READ', message, { file, ...options });
  }
}

/** Opens a log file, or standard input for `-`. */
export function openLogInput(file: string, stdin: Readable): Readable {
  return file === '-' ? stdin : createReadStream(file);
}

/**
 * Re-emits `source`, gunzipped when its first two bytes are the gzip magic. Detection by content rather
 * than by file name so rotated logs (`proxy.log.1.gz`, or gzip piped into stdin) just work. Pull-based
 * (Readable.from over the source's iterator) so backpressure holds and memory stays flat.
 */
async function decodeMaybeGzip(source: Readable): Promise<Readable> {
  const it: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 2) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, Buffer.from(r.value)]);
  }
  async function* body(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value);
    }
  }
  const raw = Readable.from(body(), { objectMode: false });
  if (head[0] !== 0x1f || head[1] !== 0x8b) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'Z_BUF_ERROR') return 'truncated gzip data';
  if (code === 'Z_DATA_ERROR') return `corrupt gzip data (${err.message})`;
  return err.message;
}

/**
 * Streams the lines of one log input; memory stays at about one line whatever the file size. Read errors
 * become LogReadError so the caller can report them and go on with the next input.
 */
export async function* readLogLines(file: string, source: Readable): AsyncGenerator<string> {
  let decoded: Readable;
  try {
    decoded = await decodeMaybeGzip(source);
  } catch (err) {
    throw new LogReadError(file, describe(err as Error), { cause: err });
  }
  // readline's iterator ends quietly when its input fails; keep the error and raise it at the end.
  let failure: Error | null = null;
  const lines = createInterface({ input: decoded, crlfDelay: Infinity });
  decoded.on('error', (err: Error) => {
    failure ??= err;
    lines.close();
  });
  try {
    for await (const line of lines) yield line;
  } catch (err) {
    // Some Node versions do pass input errors through the iterator.
    failure ??= err as Error;
  } finally {
    lines.close();
    if (source !== process.stdin) source.destroy();
  }
  if (failure) throw new LogReadError(file, describe(failure), { cause: failure });
}

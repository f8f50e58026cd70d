import type { Readable } from 'node:stream';

/** Where whole lines go: the primary's one stdout writer. */
export interface LineSink {
  write(chunk: Buffer): unknown;
}

// A worker that writes a huge line without a newline must not grow the primary's memory without bound.
const MAX_PENDING = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Copies a worker's stdout into the sink in whole lines only. Workers write batches that can end in
 * the middle of a line, and the sink is shared by every worker and the primary's own logger: passing
 * only up to the last newline of each chunk keeps every line intact in the one stdout. Bytes, not
 * strings: one scan per chunk from its end, no decoding, and a newline byte never sits inside a
 * multi-byte UTF-8 character.
 */
export function relayLines(source: Readable, sink: LineSink): void {
  let pending: Buffer | null = null;
  source.on('data', (chunk: Buffer) => {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length > MAX_PENDING) {
        sink.write(Buffer.concat([pending, Buffer.from('\n')]));
        pending = null;
      }
      return;
    }
    const whole = last === chunk.length - 1 ? chunk : chunk.subarray(0, last + 1);
    sink.write(pending === null ? whole : Buffer.concat([pending, whole]));
    pending = last === chunk.length - 1 ? null : chunk.subarray(last + 1);
  });
  // A worker that died mid-line: its last words still get a line of their own.
  source.on('end', () => {
    if (pending !== null) sink.write(Buffer.concat([pending, Buffer.from('\n')]));
    pending = null;
  });
}

import type { Readable } from 'node:stream';

/** Where whole lines go: the primary's one stdout writer. */
export interface LineSink {
  write(text: string): unknown;
}

// A worker that writes a huge line without a newline must not grow the primary's memory without bound.
const MAX_PENDING = 1 << 20;

/**
 * Copies a worker's stdout into the sink in whole lines only. Workers write batches that can end in
 * the middle of a line, and the sink is shared by every worker and the primary's own logger: passing
 * only up to the last newline of each chunk keeps every line intact in the one stdout. One scan per
 * chunk from its end, not one per line.
 */
export function relayLines(source: Readable, sink: LineSink): void {
  let pending = '';
  source.setEncoding('utf8');
  source.on('data', (chunk: string) => {
    const last = chunk.lastIndexOf('\n');
    if (last === -1) {
      pending += chunk;
      if (pending.length > MAX_PENDING) {
        sink.write(`${pending}\n`);
        pending = '';
      }
      return;
    }
    sink.write(pending === '' && last === chunk.length - 1 ? chunk : pending + chunk.slice(0, last + 1));
    pending = chunk.slice(last + 1);
  });
  // A worker that died mid-line: its last words still get a line of their own.
  source.on('end', () => {
    if (pending !== '') sink.write(`${pending}\n`);
    pending = '';
  });
}

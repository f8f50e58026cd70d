import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/observe/create-logger.js';

type Line = Record<string, unknown>;

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Line[];
  /** Resolves with the first line (already written or still to come) that matches. */
  waitFor(match: (line: Line) => boolean): Promise<Line>;
}

/** A real pino logger whose destination keeps the JSON lines for assertions. */
export function captureLog(level: 'info' | 'debug' | 'warn' = 'info'): CapturedLog {
  const lines: Line[] = [];
  const waiters: { match: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];
  let partial = '';
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      partial += chunk.toString();
      let nl = partial.indexOf('\n');
      while (nl !== -1) {
        const line = JSON.parse(partial.slice(0, nl)) as Line;
        lines.push(line);
        for (const w of waiters.filter((x) => x.match(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
        partial = partial.slice(nl + 1);
        nl = partial.indexOf('\n');
      }
      callback();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    lines,
    waitFor(match) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

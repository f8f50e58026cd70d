import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/observe/create-logger.js';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Record<string, unknown>[];
}

/** A real pino logger whose destination keeps the JSON lines for assertions. */
export function captureLog(level: 'info' | 'debug' | 'warn' = 'info'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      partial += chunk.toString();
      let nl = partial.indexOf('\n');
      while (nl !== -1) {
        lines.push(JSON.parse(partial.slice(0, nl)) as Record<string, unknown>);
        partial = partial.slice(nl + 1);
        nl = partial.indexOf('\n');
      }
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

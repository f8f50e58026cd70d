import type { Logger } from 'pino';
import { createLogger } from '../../src/observe/create-logger.js';
import { collectJsonLines, type LogLine } from '../support/collect-json-lines.js';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: LogLine[];
  /** Resolves with the first line (already written or still to come) that matches. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine>;
}

/** A real pino logger whose destination keeps the JSON lines for assertions. */
export function captureLog(level: 'info' | 'debug' | 'warn' = 'info'): CapturedLog {
  const log = collectJsonLines({ mustParse: () => true });
  return {
    logger: createLogger({ level, destination: log.writable }),
    lines: log.lines,
    waitFor: log.waitFor,
  };
}

import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown>;

export interface JsonLineCollector {
  /** Every JSON line so far, parsed. */
  readonly lines: LogLine[];
  /** Complete lines that were not JSON (a child's "ready", or a torn or interleaved log line). */
  readonly unparsed: string[];
  /** Feeds output as it arrives; a line is parsed once its newline has come. */
  readonly push: (text: string) => void;
  /** Resolves with the first line (already collected or still to come) that matches. */
  readonly waitFor: (match: (line: LogLine) => boolean) => Promise<LogLine>;
  /** A stream that feeds push, for a logger's destination. */
  readonly writable: Writable;
}

export interface CollectOptions {
  /**
   * Lines that must be JSON: one that is not throws, from push or as the writable's error. Default:
   * none (every line that is not JSON lands in `unparsed`).
   */
  readonly mustParse?: (text: string) => boolean;
}

/** Collects the JSON log lines of a logger's destination or a child's stdout, for assertions. */
export function collectJsonLines(options: CollectOptions = {}): JsonLineCollector {
  const mustParse = options.mustParse ?? (() => false);
  const lines: LogLine[] = [];
  const unparsed: string[] = [];
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  let partial = '';
  const take = (text: string): void => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch (err) {
      unparsed.push(text);
      if (mustParse(text)) throw err;
      return;
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (!w.match(line)) continue;
      waiters.delete(w);
      w.resolve(line);
    }
  };
  const push = (text: string): void => {
    partial += text;
    for (let nl = partial.indexOf('\n'); nl !== -1; nl = partial.indexOf('\n')) {
      const complete = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      take(complete);
    }
  };
  return {
    lines,
    unparsed,
    push,
    waitFor: (match) => {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    writable: new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        try {
          push(chunk.toString());
          callback();
        } catch (err) {
          callback(err as Error);
        }
      },
    }),
  };
}

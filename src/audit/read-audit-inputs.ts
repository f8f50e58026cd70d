import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { InputSummary, MalformedLine } from './audit-report.js';
import { parseLogLine } from './log-event.js';
import { LogReadError, openLogInput, readLogLines } from './read-log-lines.js';
import { TrafficAggregate } from './traffic-aggregate.js';

/** Malformed lines quoted in the report; the rest are only counted. */
export const MAX_MALFORMED_EXAMPLES = 10;

const EXCERPT_CHARS = 80;

/** Control bytes (binary junk, a gzip fragment) would be invisible or break a terminal. */
function printable(text: string): string {
  return Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? '?' : c;
  }).join('');
}

export interface AuditInputs {
  readonly aggregate: TrafficAggregate;
  readonly inputs: readonly InputSummary[];
  readonly malformed: { readonly count: number; readonly examples: readonly MalformedLine[] };
}

export interface ReadAuditOptions {
  readonly files: readonly string[];
  readonly stdin: Readable;
  /** Only these client groups (`-` or empty string for traffic outside every group); all when empty. */
  readonly groups?: readonly string[];
}

/**
 * Streams every input into one aggregate. A malformed line is counted and quoted, a file that cannot be
 * read is reported in its summary; neither stops the audit.
 */
export async function readAuditInputs(opts: ReadAuditOptions): Promise<AuditInputs> {
  const aggregate = new TrafficAggregate();
  const inputs: InputSummary[] = [];
  const examples: MalformedLine[] = [];
  let malformedTotal = 0;
  const wanted = opts.groups && opts.groups.length > 0 ? new Set(opts.groups) : null;
  const keep = (group: string | null): boolean => wanted === null || wanted.has(group ?? '-');
  for (const file of opts.files) {
    const shown = file === '-' ? '-' : basename(file);
    const s = { lines: 0, decisions: 0, closes: 0, otherLines: 0, malformed: 0 };
    let error: string | null = null;
    try {
      for await (const line of readLogLines(shown, openLogInput(file, opts.stdin))) {
        s.lines += 1;
        const parsed = parseLogLine(line);
        switch (parsed.type) {
          case 'decision':
            s.decisions += 1;
            if (keep(parsed.group)) aggregate.addDecision(parsed);
            break;
          case 'close':
            s.closes += 1;
            if (keep(parsed.group)) aggregate.addClose(parsed);
            break;
          case 'other':
            s.otherLines += 1;
            break;
          case 'malformed':
            s.malformed += 1;
            malformedTotal += 1;
            if (examples.length < MAX_MALFORMED_EXAMPLES) {
              examples.push({
                file: shown,
                line: s.lines,
                error: parsed.error,
                excerpt: printable(line.slice(0, EXCERPT_CHARS)),
              });
            }
        }
      }
    } catch (err) {
      if (!(err instanceof LogReadError)) throw err;
      error = err.message;
    }
    inputs.push({ file: shown, ...s, error });
  }
  return { aggregate, inputs, malformed: { count: malformedTotal, examples } };
}

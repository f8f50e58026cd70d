import { DECISION_LABELS, DENY_REASONS, MODES, type DecisionLabel, type Mode } from '../policy/decision.js';
import type { CloseLine, DecisionLine, LoggedReason } from '../observe/decision-log-line.js';

export type { DecisionLabel };

/** When the line was written (pino's `time`, epoch ms): the audit's observation window. */
interface Timed {
  readonly time: number;
}

/**
 * The fields of a `"msg":"decision"` line that the audit uses, as the log schema types them. The
 * ones older writers did not log are null when absent.
 */
export interface DecisionEvent
  extends
    Timed,
    Pick<
      DecisionLine,
      'conn' | 'group' | 'host' | 'port' | 'path' | 'decision' | 'reason' | 'profile' | 'rule'
    > {
  readonly type: 'decision';
  /** Client IP as logged; null in logs written before the field existed. */
  readonly client: DecisionLine['client'] | null;
  /** Proxy Basic-auth user, when the line names one. */
  readonly user: NonNullable<DecisionLine['user']> | null;
  readonly mode: DecisionLine['mode'] | null;
}

/** The fields of a `"msg":"close"` line that the audit uses. */
export interface CloseEvent
  extends
    Timed,
    Pick<
      CloseLine,
      'conn' | 'group' | 'host' | 'port' | 'decision' | 'profile' | 'rule' | 'bytesOut' | 'bytesIn'
    > {
  readonly type: 'close';
}

/** Every log line is one of these: a parsed event, another pino line (startup, errors), or junk. */
export type ParsedLine =
  | DecisionEvent
  | CloseEvent
  | { readonly type: 'other' }
  | { readonly type: 'malformed'; readonly error: string };

const LABELS: ReadonlySet<string> = new Set(DECISION_LABELS);
const REASONS: ReadonlySet<string> = new Set<LoggedReason>([...DENY_REASONS, 'allowed']);
const MODE_WORDS: ReadonlySet<string> = new Set(MODES);

/** A field that failed its check; caught below and turned into a malformed line. */
class FieldError extends Error {}

function requireString(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw new FieldError(`'${key}' missing or not a string`);
  return v;
}

function optionalString(o: Record<string, unknown>, key: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new FieldError(`'${key}' is not a string`);
  return v;
}

function requireNumber(o: Record<string, unknown>, key: string, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new FieldError(`'${key}' missing or not an integer in 0..${max}`);
  }
  return v;
}

function optionalNumber(o: Record<string, unknown>, key: string): number {
  return o[key] === undefined || o[key] === null ? 0 : requireNumber(o, key, Number.MAX_SAFE_INTEGER);
}

function requireLabel(o: Record<string, unknown>): DecisionLabel {
  const v = o['decision'];
  if (typeof v !== 'string' || !LABELS.has(v))
    throw new FieldError(`'decision' is not allow, deny or report`);
  return v as DecisionLabel;
}

/** A decision line's reason: one of the closed set the proxy logs (docs/design.md, deny reasons). */
function requireReason(o: Record<string, unknown>): LoggedReason {
  const v = o['reason'];
  if (typeof v !== 'string' || !REASONS.has(v)) {
    throw new FieldError(
      `'reason' missing or not a reason egressgate logs (allowed, ${DENY_REASONS.join(', ')})`,
    );
  }
  return v as LoggedReason;
}

function optionalMode(o: Record<string, unknown>): Mode | null {
  const v = o['mode'];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !MODE_WORDS.has(v)) throw new FieldError(`'mode' is not enforce or report`);
  return v as Mode;
}

/** The connection id may be logged as a number by other writers; both spell the same id. */
function requireConn(o: Record<string, unknown>): string {
  const v = o['conn'];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return requireString(o, 'conn');
}

/** The fields both line types carry. */
type SharedFields = Omit<CloseEvent, 'type' | 'bytesOut' | 'bytesIn'>;

function parseShared(o: Record<string, unknown>): SharedFields {
  return {
    time: requireNumber(o, 'time', Number.MAX_SAFE_INTEGER),
    conn: requireConn(o),
    group: optionalString(o, 'group'),
    host: requireString(o, 'host').toLowerCase(),
    port: requireNumber(o, 'port', 65535),
    decision: requireLabel(o),
    profile: optionalString(o, 'profile'),
    rule: optionalString(o, 'rule'),
  };
}

function parseDecision(o: Record<string, unknown>): DecisionEvent {
  return {
    type: 'decision',
    ...parseShared(o),
    client: optionalString(o, 'client'),
    user: optionalString(o, 'user'),
    path: optionalString(o, 'path'),
    reason: requireReason(o),
    mode: optionalMode(o),
  };
}

function parseClose(o: Record<string, unknown>): CloseEvent {
  return {
    type: 'close',
    ...parseShared(o),
    bytesOut: optionalNumber(o, 'bytesOut'),
    bytesIn: optionalNumber(o, 'bytesIn'),
  };
}

/** Parses one line of the proxy's pino output. Never throws: a bad line is a value. */
export function parseLogLine(line: string): ParsedLine {
  const text = line.trim();
  if (text.length === 0) return { type: 'other' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'malformed', error: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'malformed', error: 'not a JSON object' };
  }
  const o = value as Record<string, unknown>;
  const kind = o['event'] ?? o['msg'];
  if (kind !== 'decision' && kind !== 'close') return { type: 'other' };
  try {
    return kind === 'decision' ? parseDecision(o) : parseClose(o);
  } catch (err) {
    if (err instanceof FieldError) return { type: 'malformed', error: `${kind} line: ${err.message}` };
    throw err;
  }
}

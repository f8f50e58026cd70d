/** The decision-log words (docs/design.md); anything else in a decision/close line makes it malformed. */
export type DecisionLabel = 'allow' | 'deny' | 'report';

/** The fields of a `"msg":"decision"` line that the audit uses. */
export interface DecisionEvent {
  readonly type: 'decision';
  readonly time: number;
  readonly conn: string;
  readonly group: string | null;
  /** Client IP as logged; null in logs written before the field existed. */
  readonly client: string | null;
  /** Proxy Basic-auth user, when a writer logs one. */
  readonly user: string | null;
  readonly host: string;
  readonly port: number;
  readonly path: string | null;
  readonly decision: DecisionLabel;
  readonly reason: string | null;
  readonly profile: string | null;
  readonly rule: string | null;
  readonly mode: string | null;
}

/** The fields of a `"msg":"close"` line that the audit uses. */
export interface CloseEvent {
  readonly type: 'close';
  readonly time: number;
  readonly conn: string;
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  readonly decision: DecisionLabel;
  readonly profile: string | null;
  readonly rule: string | null;
  readonly bytesOut: number;
  readonly bytesIn: number;
}

/** Every log line is one of these: a parsed event, another pino line (startup, errors), or junk. */
export type ParsedLine =
  | DecisionEvent
  | CloseEvent
  | { readonly type: 'other' }
  | { readonly type: 'malformed'; readonly error: string };

const LABELS: ReadonlySet<string> = new Set(['allow', 'deny', 'report']);

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

/** The connection id may be logged as a number by other writers; both spell the same id. */
function requireConn(o: Record<string, unknown>): string {
  const v = o['conn'];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return requireString(o, 'conn');
}

function parseDecision(o: Record<string, unknown>): DecisionEvent {
  return {
    type: 'decision',
    time: requireNumber(o, 'time', Number.MAX_SAFE_INTEGER),
    conn: requireConn(o),
    group: optionalString(o, 'group'),
    client: optionalString(o, 'client'),
    user: optionalString(o, 'user'),
    host: requireString(o, 'host').toLowerCase(),
    port: requireNumber(o, 'port', 65535),
    path: optionalString(o, 'path'),
    decision: requireLabel(o),
    reason: optionalString(o, 'reason'),
    profile: optionalString(o, 'profile'),
    rule: optionalString(o, 'rule'),
    mode: optionalString(o, 'mode'),
  };
}

function parseClose(o: Record<string, unknown>): CloseEvent {
  return {
    type: 'close',
    time: requireNumber(o, 'time', Number.MAX_SAFE_INTEGER),
    conn: requireConn(o),
    group: optionalString(o, 'group'),
    host: requireString(o, 'host').toLowerCase(),
    port: requireNumber(o, 'port', 65535),
    decision: requireLabel(o),
    profile: optionalString(o, 'profile'),
    rule: optionalString(o, 'rule'),
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

import type { ListenerName, RequestKind } from '../egress-request.js';
import type { CloseReason } from '../net/close-reason.js';
import type { DialErrorCode } from '../net/dial-error.js';
import type { DecisionLabel, DenyReason, Mode } from '../policy/decision.js';

/**
 * The decision log's two line types (docs/design.md, "Decision log"): the recorder writes them, the
 * audit reads them, so both take their field names and value sets from here. Fields are listed in the
 * order the recorder writes them. pino adds `level`, `time`, `pid` before them and `msg` after.
 */

/** `allowed` for an allow, else why it was (or in report mode would have been) refused. */
export type LoggedReason = DenyReason | 'allowed';

/** `"msg":"decision"`: one per connection, at warn for an enforced denial, else info. */
export interface DecisionLine {
  readonly event: 'decision';
  readonly conn: string;
  readonly listener: ListenerName;
  readonly kind: RequestKind;
  readonly client: string;
  readonly clientPort: number;
  /** The verified proxy Basic-auth user; absent without one. */
  readonly user?: string;
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  readonly sni: string | null;
  readonly hostHeader: string | null;
  readonly path: string | null;
  /** `ip:port` where the listener knows it. */
  readonly origDst: string | null;
  readonly decision: DecisionLabel;
  readonly reason: LoggedReason;
  readonly profile: string | null;
  readonly rule: string | null;
  readonly mode: Mode;
  readonly ech: boolean;
  /** Denials and report-mode lines only: a sentence for the operator. */
  readonly detail?: string;
  /** `ip:port` once connected. */
  readonly dialed: string | null;
  /** Only when the dial failed. */
  readonly dialError?: DialErrorCode;
}

/** `"msg":"close"`: when an allowed (or report-mode) connection ends; its shared fields are the decision line's. */
export interface CloseLine extends Pick<
  DecisionLine,
  'conn' | 'listener' | 'client' | 'group' | 'host' | 'port' | 'decision' | 'profile' | 'rule'
> {
  readonly event: 'close';
  /** Client to upstream. */
  readonly bytesOut: number;
  /** Upstream to client. */
  readonly bytesIn: number;
  readonly durationMs: number;
  readonly closeReason: CloseReason;
}

/** `L` when it names every field of `T` (and, by its element type, nothing else); else never. */
type EveryField<T, L extends readonly (keyof T)[]> = [Exclude<keyof T, L[number]>] extends [never]
  ? L
  : never;

const decisionFields = [
  'event',
  'conn',
  'listener',
  'kind',
  'client',
  'clientPort',
  'user',
  'group',
  'host',
  'port',
  'sni',
  'hostHeader',
  'path',
  'origDst',
  'decision',
  'reason',
  'profile',
  'rule',
  'mode',
  'ech',
  'detail',
  'dialed',
  'dialError',
] as const satisfies readonly (keyof DecisionLine)[];

const closeFields = [
  'event',
  'conn',
  'listener',
  'client',
  'group',
  'host',
  'port',
  'decision',
  'profile',
  'rule',
  'bytesOut',
  'bytesIn',
  'durationMs',
  'closeReason',
] as const satisfies readonly (keyof CloseLine)[];

/** The decision line's field names in written order; a field the type gains and this misses fails typecheck. */
export const DECISION_LINE_FIELDS: EveryField<DecisionLine, typeof decisionFields> = decisionFields;
/** The close line's field names in written order. */
export const CLOSE_LINE_FIELDS: EveryField<CloseLine, typeof closeFields> = closeFields;

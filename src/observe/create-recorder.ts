import type { Logger } from 'pino';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import { decisionLabel, type Decision, type Mode } from '../policy/decision.js';
import type { DialErrorCode } from '../net/dial-error.js';
import type { ConnectionRecord, Recorder } from './recorder.js';
import type { DeniedTracker } from './denied-tracker.js';
import type { LiveFeed } from './live-feed.js';
import type { Metrics } from './create-metrics.js';
import type { DecisionLogging } from '../config/serve-config.js';
import { createFlatRecordLogger } from './create-logger.js';
import { createRecordWriter } from './create-record-writer.js';
import type { CloseLine } from './decision-log-line.js';
import { closeLineText, decisionLineText, type DecisionHead } from './log-line-text.js';
import { formatAddress } from '../address/format-host-port.js';
import { redactUserinfo } from './redact-userinfo.js';

export interface RecorderDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly denied: DeniedTracker;
  /**
   * The profiles in force for a client group. A denial matched no profile, so the `profile` label of
   * egressgate_decisions_total carries the group's profile set instead ("a+b"); absent = "".
   */
  readonly profilesOf?: (group: string | null) => readonly string[];
  /**
   * Which decision and close lines are written (`log.decisions`), independent of the log level, which
   * governs start-up and debug messages only: all (default), deny (denials and report-mode lines),
   * none (metrics only).
   */
  readonly decisions?: DecisionLogging;
  /** The admin /ui page's counts and last decisions. */
  readonly live?: LiveFeed;
}

export type LimitScope = 'global' | 'group';

/** The Recorder contract plus the one event it cannot see: which connection limit refused a client. */
export interface ObservingRecorder extends Recorder {
  /** Call before `decided` with the `connection_limit` denial; without it the scope is counted as "unknown". */
  limitReached(request: EgressRequest, scope: LimitScope): void;
  failed(request: EgressRequest, error: unknown): void;
}

/**
 * Turns the proxy core's events into the decision and close log lines (docs/design.md) and metrics.
 * An allowed (or report-mode) decision line is written once the upstream is dialed or the dial fails,
 * so it can carry `dialed`; an enforced denial is written at once, at warn level.
 */
export function createRecorder(deps: RecorderDeps): ObservingRecorder {
  const { metrics, denied } = deps;
  const decisions = deps.decisions ?? 'all';
  // Every field this recorder logs is flat and redacted here (see decisionFields and closeFields).
  // Decision lines have their own switch (log.decisions), not the log level.
  const lines = createRecordWriter(
    createFlatRecordLogger(deps.logger, decisions === 'none' ? 'silent' : 'info'),
  );
  const skipsAllowed = decisions === 'deny';
  const held = new Map<string, DecisionHead>();
  const limitScopes = new Map<string, LimitScope>();
  const connected = new Map<string, EgressRequest['listener']>();
  // Bytes of open relays already in egressgate_bytes_total, so the close adds only the rest.
  const counted = new Map<string, { out: number; in: number }>();

  const flush = (id: string, dialed: SocketAddress | null, dialError?: DialErrorCode): void => {
    const head = held.get(id);
    if (head === undefined) return;
    held.delete(id);
    const address = dialed === null ? null : formatAddress(dialed);
    lines.write('info', decisionLineText(head, address, dialError), 'decision');
  };

  return {
    relayed(request: EgressRequest, bytesOut: number, bytesIn: number): void {
      const sum = counted.get(request.id) ?? { out: 0, in: 0 };
      sum.out += bytesOut;
      sum.in += bytesIn;
      counted.set(request.id, sum);
      metrics.bytes.inc({ direction: 'out', listener: request.listener }, bytesOut);
      metrics.bytes.inc({ direction: 'in', listener: request.listener }, bytesIn);
    },

    limitReached(request: EgressRequest, scope: LimitScope): void {
      limitScopes.set(request.id, scope);
    },

    decided(request: EgressRequest, group: string | null, decision: Decision, mode: Mode): void {
      flush(request.id, null);
      const label = decisionLabel(decision);
      const profile =
        decision.verdict === 'allow' ? decision.profile : (deps.profilesOf?.(group) ?? []).join('+');
      metrics.decisions.inc({
        decision: label,
        listener: request.listener,
        profile,
        reason: decision.reason,
        // Clients outside every group are refused before any policy: group="".
        group: group ?? '',
        rule: decision.rule ?? '',
      });
      deps.live?.record({
        outcome: label,
        listener: request.listener,
        client: request.client.address,
        group,
        host: redactUserinfo(request.host),
        port: request.port,
        why: decision.verdict === 'allow' ? `${decision.profile}/${decision.rule}` : decision.reason,
      });
      const scope = limitScopes.get(request.id);
      limitScopes.delete(request.id);
      if (decision.reason === 'connection_limit') {
        metrics.connectionLimitRejections.inc({ scope: scope ?? 'unknown' });
      }
      if (decision.verdict === 'deny') {
        denied.record({
          host: redactUserinfo(request.host),
          port: request.port,
          reason: decision.reason,
          enforced: decision.enforced,
          client: request.client.address,
          group,
        });
        metrics.deniedDestinations.inc(
          redactUserinfo(request.host),
          request.port,
          decision.enforced ? 'deny' : 'report',
        );
      }
      if (label === 'deny') {
        if (lines.enabled('warn')) {
          lines.write(
            'warn',
            decisionLineText(decisionHead(request, group, decision, mode), null),
            'decision',
          );
        }
      } else if (lines.enabled('info') && !(skipsAllowed && label === 'allow')) {
        held.set(request.id, decisionHead(request, group, decision, mode));
      }
    },

    connected(request: EgressRequest, dialed: SocketAddress, connectSeconds: number): void {
      metrics.upstreamConnectSeconds.observe(connectSeconds);
      if (!connected.has(request.id)) {
        connected.set(request.id, request.listener);
        metrics.activeConnections.inc({ listener: request.listener });
      }
      flush(request.id, dialed);
    },

    dialFailed(request: EgressRequest, code: DialErrorCode): void {
      metrics.dialErrors.inc({ error: code });
      flush(request.id, null, code);
    },

    failed(request: EgressRequest, error: unknown): void {
      flush(request.id, null);
      limitScopes.delete(request.id);
      counted.delete(request.id);
      const listener = connected.get(request.id);
      if (listener !== undefined) {
        connected.delete(request.id);
        metrics.activeConnections.dec({ listener });
      }
      deps.logger.error(
        {
          event: 'egress_error',
          conn: request.id,
          listener: request.listener,
          client: request.client.address,
          error: error instanceof Error ? error.message : String(error),
        },
        'connection closed by an internal error',
      );
    },

    closed(record: ConnectionRecord): void {
      const { request } = record;
      flush(request.id, record.dialed);
      const listener = connected.get(request.id);
      if (listener !== undefined) {
        connected.delete(request.id);
        metrics.activeConnections.dec({ listener });
      }
      const already = counted.get(request.id);
      counted.delete(request.id);
      metrics.bytes.inc(
        { direction: 'out', listener: request.listener },
        record.bytesOut - (already?.out ?? 0),
      );
      metrics.bytes.inc({ direction: 'in', listener: request.listener }, record.bytesIn - (already?.in ?? 0));
      if (skipsAllowed && record.decision.verdict === 'allow') return;
      if (lines.enabled('info')) lines.write('info', closeLineText(closeLine(record)), 'close');
    },
  };
}

/** The decision line up to `dialed`, credentials redacted (a listener that could not parse the target passes it on raw). */
function decisionHead(
  request: EgressRequest,
  group: string | null,
  decision: Decision,
  mode: Mode,
): DecisionHead {
  return {
    event: 'decision',
    conn: request.id,
    listener: request.listener,
    kind: request.kind,
    client: request.client.address,
    clientPort: request.client.port,
    // The proxy Basic-auth user that chose the group, for the audit's per-client view.
    ...(request.user === undefined ? {} : { user: request.user }),
    group,
    host: redactUserinfo(request.host),
    port: request.port,
    sni: request.sni ?? null,
    hostHeader: request.hostHeader === undefined ? null : redactUserinfo(request.hostHeader),
    path: request.path === undefined ? null : redactUserinfo(request.path),
    origDst: request.originalDst === undefined ? null : formatAddress(request.originalDst),
    decision: decisionLabel(decision),
    reason: decision.reason,
    profile: decision.profile,
    rule: decision.rule,
    mode,
    ech: request.ech === true,
    ...(decision.verdict === 'deny' ? { detail: decision.detail } : {}),
  } satisfies DecisionHead;
}

function closeLine(record: ConnectionRecord): CloseLine {
  const { request, decision } = record;
  return {
    event: 'close',
    conn: request.id,
    listener: request.listener,
    client: request.client.address,
    group: record.group,
    host: redactUserinfo(request.host),
    port: request.port,
    decision: decisionLabel(decision),
    profile: decision.profile,
    rule: decision.rule,
    bytesOut: record.bytesOut,
    bytesIn: record.bytesIn,
    durationMs: Math.round(record.durationMs),
    closeReason: record.closeReason,
  } satisfies CloseLine;
}

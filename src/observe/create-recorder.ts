import type { Logger } from 'pino';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import { decisionLabel, type Decision, type Mode } from '../policy/decision.js';
import type { DialErrorCode } from '../net/dial-error.js';
import type { ConnectionRecord, Recorder } from './recorder.js';
import type { DeniedTracker } from './denied-tracker.js';
import type { Metrics } from './create-metrics.js';
import type { DecisionLogging } from '../config/serve-config.js';
import { createFlatRecordLogger } from './create-logger.js';
import { formatAddress } from './format-address.js';
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
}

type DecisionFields = Record<string, unknown>;

export type LimitScope = 'global' | 'group';

/** The Recorder contract plus the one event it cannot see: which connection limit refused a client. */
export interface ObservingRecorder extends Recorder {
  /** Call before `decided` with the `connection_limit` denial; without it the scope is counted as "unknown". */
  limitReached(request: EgressRequest, scope: LimitScope): void;
}

/**
 * Turns the proxy core's events into the decision and close log lines (docs/design.md) and metrics.
 * An allowed (or report-mode) decision line is written once the upstream is dialed or the dial fails,
 * so it can carry `dialed`; an enforced denial is written at once, at warn level.
 */
export function createRecorder(deps: RecorderDeps): ObservingRecorder {
  const { metrics, denied } = deps;
  const decisions = deps.decisions ?? 'all';
  // Every field this recorder logs is flat (see decisionFields and the close line).
  const logger = createFlatRecordLogger(deps.logger, decisions === 'none' ? 'silent' : 'info');
  const skipsAllowed = decisions === 'deny';
  const held = new Map<string, DecisionFields>();
  const limitScopes = new Map<string, LimitScope>();
  const connected = new Map<string, EgressRequest['listener']>();

  const flush = (id: string, dialed: SocketAddress | null, extra?: DecisionFields): void => {
    const fields = held.get(id);
    if (fields === undefined) return;
    held.delete(id);
    if (skipsAllowed && fields['decision'] === 'allow') return;
    logger.info({ ...fields, dialed: dialed === null ? null : formatAddress(dialed), ...extra }, 'decision');
  };

  return {
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
      });
      const scope = limitScopes.get(request.id);
      limitScopes.delete(request.id);
      if (decision.reason === 'connection_limit') {
        metrics.connectionLimitRejections.inc({ scope: scope ?? 'unknown' });
      }
      const fields = decisionFields(request, group, decision, mode);
      if (decision.verdict === 'deny') {
        denied.record({
          host: redactUserinfo(request.host),
          port: request.port,
          reason: decision.reason,
          enforced: decision.enforced,
          client: request.client.address,
          group,
        });
        metrics.deniedDestinations.inc(redactUserinfo(request.host), request.port);
      }
      if (label === 'deny') logger.warn({ ...fields, dialed: null }, 'decision');
      else held.set(request.id, fields);
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
      flush(request.id, null, { dialError: code });
    },

    closed(record: ConnectionRecord): void {
      const { request } = record;
      flush(request.id, record.dialed);
      const listener = connected.get(request.id);
      if (listener !== undefined) {
        connected.delete(request.id);
        metrics.activeConnections.dec({ listener });
      }
      metrics.bytes.inc({ direction: 'out', listener: request.listener }, record.bytesOut);
      metrics.bytes.inc({ direction: 'in', listener: request.listener }, record.bytesIn);
      const decision = record.decision;
      if (skipsAllowed && decision.verdict === 'allow') return;
      logger.info(
        {
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
        },
        'close',
      );
    },
  };
}

function decisionFields(
  request: EgressRequest,
  group: string | null,
  decision: Decision,
  mode: Mode,
): DecisionFields {
  const fields: DecisionFields = {
    event: 'decision',
    conn: request.id,
    listener: request.listener,
    kind: request.kind,
    client: request.client.address,
    clientPort: request.client.port,
    group,
    // A listener that could not parse the target passes it on raw, credentials and all.
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
  };
  if (decision.verdict === 'deny') fields['detail'] = decision.detail;
  return fields;
}

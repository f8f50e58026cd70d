import type { Socket } from 'node:net';
import { matchClientGroup } from '../config/match-client-group.js';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import { toDialError } from '../net/dial-error.js';
import type { Connection, DialPlan } from '../net/create-dialer.js';
import { decide, denial } from '../policy/decide.js';
import { type Decision, type DenyReason, type Mode } from '../policy/decision.js';
import type { CloseReason } from '../observe/recorder.js';
import type { EgressContext } from './egress-context.js';
import type { EgressResponder } from './egress-responder.js';
import type { ActiveGroup } from './policy-state.js';

interface Outcome {
  readonly decision: Decision;
  readonly plan: DialPlan | null;
  readonly dialError: ReturnType<typeof toDialError> | null;
}

async function decideAndPlan(
  ctx: EgressContext,
  request: EgressRequest,
  group: ActiveGroup,
): Promise<Outcome> {
  const target =
    request.path === undefined ? request : { host: request.host, port: request.port, path: request.path };
  const decision = decide(group.policy, target, group.mode);
  if (decision.verdict === 'deny' && decision.enforced) return { decision, plan: null, dialError: null };
  try {
    const plan = await ctx.dialer.plan(request, group.allowedCidrs);
    if ('refused' in plan) return { decision: denial(plan.refused, 'enforce'), plan: null, dialError: null };
    return { decision, plan, dialError: null };
  } catch (err) {
    return { decision, plan: null, dialError: toDialError(err) };
  }
}

/**
 * The one path every listener's request takes: client group, decision, record, dial, relay, record.
 * Never throws; every outcome ends in a close record.
 */
export async function handleEgress(
  ctx: EgressContext,
  request: EgressRequest,
  client: Socket,
  responder: EgressResponder,
  listenerDenial?: DenyReason,
): Promise<void> {
  const started = ctx.now();
  const group = matchClientGroup(ctx.policy().groups, request.client.address, request.user);
  const groupName = group?.name ?? null;
  let mode: Mode = group?.mode ?? 'enforce';
  let dialed: SocketAddress | null = null;
  let connection: Connection | null = null;
  let decision: Decision;
  let closeReason: CloseReason = 'denied';
  let counted = false;
  const limit =
    group === null || listenerDenial !== undefined
      ? null
      : ctx.active.acquire(group.name, group.maxConnections);

  const close = (): void => {
    ctx.recorder.closed({
      request,
      group: groupName,
      decision,
      mode,
      dialed,
      bytesOut: connection === null ? 0 : connection.socket.bytesWritten - connection.handshake.written,
      bytesIn: connection === null ? 0 : connection.socket.bytesRead - connection.handshake.read,
      durationMs: ctx.now() - started,
      closeReason,
    });
    if (counted && group !== null) ctx.active.release(group.name);
  };

  if (group === null) {
    decision = denial('client_not_allowed', 'enforce');
  } else if (listenerDenial !== undefined) {
    decision = denial(listenerDenial, 'enforce');
  } else if (limit !== null) {
    ctx.recorder.limitReached?.(request, limit);
    decision = denial('connection_limit', 'enforce');
  } else {
    counted = true;
    // Replaced by the policy's answer below; only the refusals above are final here.
    decision = denial('no_matching_rule', 'enforce');
  }
  if (!counted) {
    mode = 'enforce';
    ctx.recorder.decided(request, groupName, decision, mode);
    if (decision.verdict === 'deny') responder.deny(request, decision, group?.denyStyle ?? 'forbidden');
    close();
    return;
  }
  const activeGroup = group as ActiveGroup;
  const outcome = await decideAndPlan(ctx, request, activeGroup);
  decision = outcome.decision;
  if (decision.verdict === 'deny' && decision.enforced) mode = 'enforce';
  ctx.recorder.decided(request, groupName, decision, mode);
  if (decision.verdict === 'deny' && decision.enforced) {
    responder.deny(request, decision, activeGroup.denyStyle);
    close();
    return;
  }
  const connectStarted = ctx.now();
  try {
    if (outcome.plan === null) throw outcome.dialError ?? new Error('no dial plan');
    connection = await ctx.dialer.connect(outcome.plan);
  } catch (err) {
    const dialError = toDialError(err);
    closeReason = 'dial_error';
    ctx.recorder.dialFailed(request, dialError.code);
    responder.dialFailed(request, dialError.code, dialError.message);
    close();
    return;
  }
  dialed = connection.dialed;
  ctx.recorder.connected(request, dialed, (ctx.now() - connectStarted) / 1000);
  try {
    const relay = responder.relay(request, connection);
    ctx.active.track(relay);
    closeReason = await relay.done;
  } catch {
    closeReason = 'error';
    connection.socket.destroy();
    client.destroy();
  }
  close();
}

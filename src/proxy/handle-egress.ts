import type { Socket } from 'node:net';
import { matchClientGroup } from '../config/match-client-group.js';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import type { Connection, DialPlan } from '../net/create-dialer.js';
import { toDialError } from '../net/dial-error.js';
import { decide, denial } from '../policy/decide.js';
import type { Decision, Deny, DenyReason } from '../policy/decision.js';
import type { CloseReason } from '../observe/recorder.js';
import type { EgressContext } from './egress-context.js';
import type { EgressResponder } from './egress-responder.js';
import type { ActiveGroup } from './policy-state.js';

/** Refusals that need no policy: no client group, a listener-level problem, a connection limit. */
function refuseEarly(
  ctx: EgressContext,
  request: EgressRequest,
  group: ActiveGroup | null,
  listenerDenial: DenyReason | undefined,
): Deny | null {
  if (group === null) return denial('client_not_allowed', 'enforce');
  if (listenerDenial !== undefined) return denial(listenerDenial, 'enforce');
  const limit = ctx.active.acquire(group.name, group.maxConnections);
  if (limit === null) return null;
  ctx.recorder.limitReached?.(request, limit);
  return denial('connection_limit', 'enforce');
}

/**
 * The one path every listener's request takes: client group, decision, record, dial, relay, record.
 * Never rejects (listeners do not await it): every outcome ends in a close record, and a bug that
 * throws still closes the client rather than the process.
 */
export function handleEgress(
  ctx: EgressContext,
  request: EgressRequest,
  client: Socket,
  responder: EgressResponder,
  listenerDenial?: DenyReason,
): Promise<void> {
  return processEgress(ctx, request, client, responder, listenerDenial).catch(() => {
    client.destroy();
  });
}

async function processEgress(
  ctx: EgressContext,
  request: EgressRequest,
  client: Socket,
  responder: EgressResponder,
  listenerDenial: DenyReason | undefined,
): Promise<void> {
  const started = ctx.now();
  const group = matchClientGroup(ctx.policy().groups, request.client.address, request.user);
  const groupName = group?.name ?? null;
  const mode = group?.mode ?? 'enforce';
  const early = refuseEarly(ctx, request, group, listenerDenial);
  let dialed: SocketAddress | null = null;
  let connection: Connection | null = null;
  let closeReason: CloseReason = 'denied';

  // Past refuseEarly the connection holds a slot until it is closed, or a bug cuts it short.
  let holdsSlot = early === null && group !== null;
  const releaseSlot = (): void => {
    if (holdsSlot && group !== null) ctx.active.release(group.name);
    holdsSlot = false;
  };
  const close = (decision: Decision): void => {
    releaseSlot();
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
  };
  const refuse = (deny: Deny): void => {
    ctx.recorder.decided(request, groupName, deny, mode);
    // Over its limit a client is told so at once: holding it silently would let a dropping group
    // pile up sockets past the very limit that refused them.
    const style = deny.reason === 'connection_limit' ? 'forbidden' : (group?.denyStyle ?? 'forbidden');
    if (style === 'drop' && holdsSlot && group !== null) {
      // A held socket is a connection like any other: it keeps its slot until the client leaves.
      holdsSlot = false;
      client.once('close', () => ctx.active.release(group.name));
    }
    responder.deny(request, deny, style);
    close(deny);
  };

  if (early !== null || group === null) return refuse(early ?? denial('client_not_allowed', 'enforce'));
  // One async frame and three awaits (plan, dial, relay) on the allowed path: each extra frame was a
  // promise and a closure per connection, on the path the connection-rate bench measures.
  try {
    const target =
      request.path === undefined ? request : { host: request.host, port: request.port, path: request.path };
    const decision = decide(group.policy, target, group.mode);
    if (decision.verdict === 'deny' && decision.enforced) return refuse(decision);
    let plan: DialPlan | null = null;
    let planError: unknown = null;
    try {
      const planned = await ctx.dialer.plan(request, group.allowedCidrs);
      // Private addresses and loops are refused in report mode too: report mode relaxes the
      // allowlist, never the protection of the network egressgate runs in.
      if ('refused' in planned) return refuse(denial(planned.refused, 'enforce'));
      plan = planned;
    } catch (err) {
      planError = err;
    }
    ctx.recorder.decided(request, groupName, decision, mode);

    const connectStarted = ctx.now();
    try {
      if (plan === null) throw planError;
      connection = await ctx.dialer.connect(plan);
    } catch (err) {
      const dialError = toDialError(err);
      closeReason = 'dial_error';
      ctx.recorder.dialFailed(request, dialError.code);
      responder.dialFailed(request, dialError.code, dialError.message);
      return close(decision);
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
    close(decision);
  } finally {
    releaseSlot();
  }
}

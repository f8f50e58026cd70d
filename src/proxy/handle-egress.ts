import type { Socket } from 'node:net';
import { matchClientGroup } from '../config/match-client-group.js';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import type { Connection } from '../net/create-dialer.js';
import { toDialError } from '../net/dial-error.js';
import { decide, denial } from '../policy/decide.js';
import type { Decision, Deny, DenyReason } from '../policy/decision.js';
import type { CloseReason } from '../observe/recorder.js';
import type { EgressContext } from './egress-context.js';
import type { EgressResponder, Relay } from './egress-responder.js';
import type { ActiveGroup } from './policy-state.js';

type Planned = Awaited<ReturnType<EgressContext['dialer']['plan']>>;

/** The policy's answer, and where an allowed target would be dialed (or why it cannot be). */
async function decideAndPlan(
  ctx: EgressContext,
  request: EgressRequest,
  group: ActiveGroup,
): Promise<{ decision: Decision; plan: Planned | null; planError: unknown }> {
  const target =
    request.path === undefined ? request : { host: request.host, port: request.port, path: request.path };
  const decision = decide(group.policy, target, group.mode);
  if (decision.verdict === 'deny' && decision.enforced) return { decision, plan: null, planError: null };
  try {
    const plan = await ctx.dialer.plan(request, group.allowedCidrs);
    // Private addresses and loops are refused in report mode too: report mode relaxes the
    // allowlist, never the protection of the network egressgate runs in.
    if ('refused' in plan) return { decision: denial(plan.refused, 'enforce'), plan: null, planError: null };
    return { decision, plan, planError: null };
  } catch (err) {
    return { decision, plan: null, planError: err };
  }
}

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
  let relay: Relay | null = null;
  let closeReason: CloseReason = 'denied';

  // Past refuseEarly the connection holds a slot until it is closed, or a bug cuts it short.
  let holdsSlot = early === null && group !== null;
  const releaseSlot = (): void => {
    if (holdsSlot && group !== null) ctx.active.release(group.name);
    holdsSlot = false;
  };
  const close = (decision: Decision): void => {
    releaseSlot();
    // A native relay moved the bytes past Node's socket; its counters include the socket's.
    const counts = relay?.bytes?.() ?? {
      written: connection?.socket.bytesWritten ?? 0,
      read: connection?.socket.bytesRead ?? 0,
    };
    ctx.recorder.closed({
      request,
      group: groupName,
      decision,
      mode,
      dialed,
      bytesOut: connection === null ? 0 : counts.written - connection.handshake.written,
      bytesIn: connection === null ? 0 : counts.read - connection.handshake.read,
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
  try {
    await relayAllowed(group);
  } finally {
    releaseSlot();
  }

  // Hoisted: the allowed path, sharing this connection's state with close() and refuse().
  async function relayAllowed(this: void, active: ActiveGroup): Promise<void> {
    const outcome = await decideAndPlan(ctx, request, active);
    const decision = outcome.decision;
    if (decision.verdict === 'deny' && decision.enforced) return refuse(decision);
    ctx.recorder.decided(request, groupName, decision, mode);

    const connectStarted = ctx.now();
    try {
      if (outcome.plan === null || 'refused' in outcome.plan) throw outcome.planError;
      connection = await ctx.dialer.connect(outcome.plan);
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
      relay = responder.relay(request, connection);
      ctx.active.track(relay);
      relay.watchBytes?.((bytesOut, bytesIn) => ctx.recorder.relayed?.(request, bytesOut, bytesIn));
      closeReason = await relay.done;
    } catch {
      closeReason = 'error';
      connection.socket.destroy();
      client.destroy();
    }
    close(decision);
  }
}

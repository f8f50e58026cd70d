import type { Socket } from 'node:net';
import { matchClientGroup } from './match-client-group.js';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import type { Connection } from '../net/create-dialer.js';
import type { HostPort } from '../net/parse-host-port.js';
import { toDialError } from '../net/dial-error.js';
import { decide, denial } from '../policy/decide.js';
import type { Decision, Deny, DenyReason } from '../policy/decision.js';
import type { CloseReason } from '../net/close-reason.js';
import type { EgressContext } from './egress-context.js';
import type { EgressResponder, Relay } from './egress-responder.js';
import type { ActiveGroup } from './policy-state.js';

type Planned = Awaited<ReturnType<EgressContext['dialer']['plan']>>;

/**
 * Listener verdicts the operator could still allow: a CIDR rule for the original destination lets
 * the connection through, and report mode carries it there. Everything else a listener refuses
 * (a malformed request, a loop) stays refused.
 */
const SOFT_DENIALS: ReadonlySet<DenyReason> = new Set(['no_sni', 'ip_sni', 'not_tls']);

/** Where a soft listener denial is decided and carried: the original destination, when it is known. */
function originalTarget(request: EgressRequest, listenerDenial: DenyReason | undefined): HostPort | null {
  const original = request.originalDst;
  if (listenerDenial === undefined || !SOFT_DENIALS.has(listenerDenial) || original === undefined)
    return null;
  return { host: original.address, port: original.port };
}

/** The policy's answer, and where an allowed target would be dialed (or why it cannot be). */
async function decideAndPlan(
  ctx: EgressContext,
  request: EgressRequest,
  group: ActiveGroup,
  listenerDenial: DenyReason | undefined,
): Promise<{ decision: Decision; plan: Planned | null; planError: unknown }> {
  const fallback = originalTarget(request, listenerDenial);
  let decision: Decision;
  if (fallback !== null && listenerDenial !== undefined) {
    // Only a CIDR rule naming the original destination lets it through; else the listener's reason.
    const onAddress = decide(group.policy, fallback, group.mode);
    decision = onAddress.verdict === 'allow' ? onAddress : denial(listenerDenial, group.mode);
  } else {
    const target =
      request.path === undefined ? request : { host: request.host, port: request.port, path: request.path };
    decision = decide(group.policy, target, group.mode);
  }
  if (decision.verdict === 'deny' && decision.enforced) return { decision, plan: null, planError: null };
  const privateOk = decision.verdict === 'allow' && group.policy.privateAllows.has(decision);
  try {
    const plan = await ctx.dialer.plan(fallback ?? request, group.allowedCidrs, privateOk);
    if (!('refused' in plan)) return { decision, plan, planError: null };
    // Report mode carries a private destination too (the operator could name it in a rule); loops,
    // metadata and loopback addresses are refused in every mode: relaxed is null for those.
    if (plan.refused === 'private_address' && group.mode === 'report' && plan.relaxed !== null) {
      const reported = decision.verdict === 'deny' ? decision : denial('private_address', 'report');
      return { decision: reported, plan: plan.relaxed, planError: null };
    }
    return { decision: denial(plan.refused, 'enforce'), plan: null, planError: null };
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
  if (listenerDenial !== undefined && originalTarget(request, listenerDenial) === null) {
    return denial(listenerDenial, 'enforce');
  }
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
    const outcome = await decideAndPlan(ctx, request, active, listenerDenial);
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

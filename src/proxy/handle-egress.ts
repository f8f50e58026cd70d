import type { Socket } from 'node:net';
import type { EgressRequest } from '../egress-request.js';
import type { Connection, DialPlan } from '../net/create-dialer.js';
import type { HostPort } from '../net/parse-host-port.js';
import { toDialError } from '../net/dial-error.js';
import type { Tunnel } from '../net/tunnel.js';
import { decide, denial } from '../policy/decide.js';
import type { Decision, Deny, DenyReason } from '../policy/decision.js';
import type { CloseReason } from '../net/close-reason.js';
import { createDecideInner } from './create-decide-inner.js';
import type { EgressContext } from './egress-context.js';
import type { EgressResponder } from './egress-responder.js';
import { matchClientGroup } from './match-client-group.js';
import type { ActiveGroup } from './policy-state.js';

/** What the policy and the dialer make of an allowed group's request. */
type Outcome =
  /** Refused: an enforced denial, or a destination the dialer will not reach in any mode. */
  | { readonly kind: 'refuse'; readonly decision: Deny }
  /** Allowed or reported: where to dial. */
  | { readonly kind: 'dial'; readonly decision: Decision; readonly plan: DialPlan }
  /** Allowed or reported, but the destination could not be resolved: a dial failure. */
  | { readonly kind: 'unreachable'; readonly decision: Decision; readonly error: unknown };

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
): Promise<Outcome> {
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
  if (decision.verdict === 'deny' && decision.enforced) return { kind: 'refuse', decision };
  const privateOk = decision.verdict === 'allow' && group.policy.privateAllows.has(decision);
  let plan: Awaited<ReturnType<EgressContext['dialer']['plan']>>;
  try {
    plan = await ctx.dialer.plan(fallback ?? request, group.allowedCidrs, privateOk);
  } catch (error) {
    return { kind: 'unreachable', decision, error };
  }
  if (!('refused' in plan)) return { kind: 'dial', decision, plan };
  // Report mode carries a private destination too (the operator could name it in a rule); loops,
  // metadata and loopback addresses are refused in every mode: relaxed is null for those.
  if (plan.refused === 'private_address' && group.mode === 'report' && plan.relaxed !== null) {
    const reported = decision.verdict === 'deny' ? decision : denial('private_address', 'report');
    return { kind: 'dial', decision: reported, plan: plan.relaxed };
  }
  return { kind: 'refuse', decision: denial(plan.refused, 'enforce') };
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
  return processEgress(ctx, request, client, responder, listenerDenial).catch((error: unknown) => {
    client.destroy();
    ctx.recorder.failed?.(request, error);
  });
}

/**
 * One connection from decision to close. `group` is the snapshot taken once: the connection's
 * every decision (the inner ClientHello's too) and its close record use it, whatever a reload
 * swaps in meanwhile.
 */
interface EgressConnection {
  readonly request: EgressRequest;
  readonly client: Socket;
  readonly responder: EgressResponder;
  readonly started: number;
  readonly group: ActiveGroup | null;
  /** Counted against the limits until closed (or handed to a dropped client's close). */
  holdsSlot: boolean;
  connection: Connection | null;
  tunnel: Tunnel | null;
  closeReason: CloseReason;
}

function releaseSlot(ctx: EgressContext, conn: EgressConnection): void {
  if (conn.holdsSlot && conn.group !== null) ctx.active.release(conn.group.name);
  conn.holdsSlot = false;
}

function close(ctx: EgressContext, conn: EgressConnection, decision: Decision): void {
  releaseSlot(ctx, conn);
  const { connection } = conn;
  // A native relay moved the bytes past Node's socket; its counters include the socket's.
  const counts = conn.tunnel?.bytes?.() ?? {
    written: connection?.socket.bytesWritten ?? 0,
    read: connection?.socket.bytesRead ?? 0,
  };
  ctx.recorder.closed({
    request: conn.request,
    group: conn.group?.name ?? null,
    decision,
    mode: conn.group?.mode ?? 'enforce',
    dialed: connection?.dialed ?? null,
    bytesOut: connection === null ? 0 : counts.written - connection.handshake.written,
    bytesIn: connection === null ? 0 : counts.read - connection.handshake.read,
    durationMs: ctx.now() - conn.started,
    closeReason: conn.closeReason,
  });
}

function refuse(ctx: EgressContext, conn: EgressConnection, deny: Deny): void {
  const { group } = conn;
  ctx.recorder.decided(conn.request, group?.name ?? null, deny, group?.mode ?? 'enforce');
  // Over its limit a client is told so at once: holding it silently would let a dropping group
  // pile up sockets past the very limit that refused them.
  const style = deny.reason === 'connection_limit' ? 'forbidden' : (group?.denyStyle ?? 'forbidden');
  if (style === 'drop' && conn.holdsSlot && group !== null) {
    // A held socket is a connection like any other: it keeps its slot until the client leaves.
    // A client that left during the decision's awaits has closed already: no 'close' is coming.
    conn.holdsSlot = false;
    if (conn.client.closed) ctx.active.release(group.name);
    else conn.client.once('close', () => ctx.active.release(group.name));
  }
  conn.responder.deny(conn.request, deny, style);
  close(ctx, conn, deny);
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
  const early = refuseEarly(ctx, request, group, listenerDenial);
  // Past refuseEarly the connection holds a slot until it is closed, or a bug cuts it short.
  const conn: EgressConnection = {
    request,
    client,
    responder,
    started,
    group,
    holdsSlot: early === null && group !== null,
    connection: null,
    tunnel: null,
    closeReason: 'denied',
  };
  if (early !== null || group === null) {
    refuse(ctx, conn, early ?? denial('client_not_allowed', 'enforce'));
    return;
  }
  try {
    await relayAllowed(ctx, conn, group, listenerDenial);
  } finally {
    releaseSlot(ctx, conn);
  }
}

/** The allowed path: decide, dial, relay, and the close record. */
async function relayAllowed(
  ctx: EgressContext,
  conn: EgressConnection,
  group: ActiveGroup,
  listenerDenial: DenyReason | undefined,
): Promise<void> {
  const { request, client, responder } = conn;
  const outcome = await decideAndPlan(ctx, request, group, listenerDenial);
  if (outcome.kind === 'refuse') return refuse(ctx, conn, outcome.decision);
  const { decision } = outcome;
  ctx.recorder.decided(request, group.name, decision, group.mode);

  const connectStarted = ctx.now();
  let connection: Connection | null = null;
  let failure: unknown = outcome.kind === 'unreachable' ? outcome.error : null;
  if (outcome.kind === 'dial') {
    try {
      connection = await ctx.dialer.connect(outcome.plan);
    } catch (err) {
      failure = err;
    }
  }
  if (connection === null) {
    const dialError = toDialError(failure);
    conn.closeReason = 'dial_error';
    ctx.recorder.dialFailed(request, dialError.code);
    responder.dialFailed(request, dialError.code, dialError.message);
    return close(ctx, conn, decision);
  }
  conn.connection = connection;
  ctx.recorder.connected(request, connection.dialed, (ctx.now() - connectStarted) / 1000);
  try {
    const tunnel = responder.relay(request, connection, createDecideInner(ctx.recorder, request, group));
    conn.tunnel = tunnel;
    ctx.active.track(tunnel);
    tunnel.watchBytes?.((bytesOut, bytesIn) => ctx.recorder.relayed?.(request, bytesOut, bytesIn));
    conn.closeReason = await tunnel.done;
  } catch {
    conn.closeReason = 'error';
    connection.socket.destroy();
    client.destroy();
  }
  close(ctx, conn, decision);
}

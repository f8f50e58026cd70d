import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeConfig } from '../../src/config/serve-config.js';
import type { SocketAddress } from '../../src/egress-request.js';
import { pollUntil, readMetric } from '../faults/leak-check.js';
import { freePort } from '../support/free-port.js';
import { openTunnel } from '../support/open-tunnel.js';
import { parseRawResponse } from '../support/raw-exchange.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startHttpUpstream, startHttpsUpstream, type Upstream } from '../support/start-upstream.js';
import { contractOriginalDst, invalidHost, listenerDrivers, type RawRequest } from './listener-drivers.js';

// The listener contract, part two: how each listener answers what is not a plain allow — every deny
// style, a connection limit, a target it cannot parse and an upstream that cannot be dialed — each
// checked on the bytes the client gets, the log lines and the metrics.

// Fatal TLS alert records (RFC 8446 §6): access_denied (49) and internal_error (80).
const accessDenied = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);
const internalError = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50]);

interface Gate {
  readonly app: TestApp;
  readonly registry: Registry;
}

let tlsUpstream: Upstream;
let httpUpstream: Upstream;
let closedPort: number;
const gates: Record<'forbidden' | 'reset' | 'drop' | 'limited' | 'unreachable', Gate> = {} as never;
const tcpPorts = new Set<number>();

const upstreamConnections = (): number => tlsUpstream.connections() + httpUpstream.connections();

async function startGate(config: ServeConfig): Promise<Gate> {
  const registry = new Registry();
  // Only transparent-tcp connections are "redirected"; the other listeners see no original destination.
  const readOriginalDestination = (socket: Socket): SocketAddress | null =>
    tcpPorts.has(socket.localPort ?? -1) ? contractOriginalDst : null;
  const app = await startTestApp(
    {
      transparentTls: ['127.0.0.1:0'],
      transparentHttp: ['127.0.0.1:0'],
      transparentTcp: ['127.0.0.1:0'],
      ...config,
    },
    { registry, readOriginalDestination },
  );
  for (const a of app.addresses.transparentTcp) tcpPorts.add(a.port);
  return { app, registry };
}

beforeAll(async () => {
  tlsUpstream = await startHttpsUpstream(['allowed.example.test', 'denied.example.test']);
  httpUpstream = await startHttpUpstream('origin');
  closedPort = await freePort();
  // Every name, allowed or not, maps onto the local upstreams: only the policy keeps them out.
  const connectTo = [`:443:127.0.0.1:${tlsUpstream.port}`, `:80:127.0.0.1:${httpUpstream.port}`];
  gates.forbidden = await startGate({ connectTo });
  gates.reset = await startGate({ connectTo, denyStyle: 'reset' });
  gates.drop = await startGate({ connectTo, denyStyle: 'drop' });
  gates.limited = await startGate({ connectTo, limits: { maxConnections: 1 } });
  // Nothing listens there: every dial is refused.
  gates.unreachable = await startGate({
    connectTo: [`:443:127.0.0.1:${closedPort}`, `:80:127.0.0.1:${closedPort}`],
  });
});

afterAll(async () => {
  for (const gate of Object.values(gates)) await gate.app.stop();
  await tlsUpstream.close();
  await httpUpstream.close();
});

interface Outcome {
  readonly bytes: Buffer;
  /** How the connection ended: a TCP reset, or a close (FIN). */
  readonly end: 'reset' | 'closed';
}

/** Sends the request's bytes and collects the answer until the connection ends. */
function exchange(request: RawRequest): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: request.port }, () => socket.write(request.bytes));
    const chunks: Buffer[] = [];
    let end: Outcome['end'] = 'closed';
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') end = 'reset';
      else reject(err);
    });
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), end }));
  });
}

function decisionOn(gate: Gate, listener: string, host: string | null): Promise<Record<string, unknown>> {
  return gate.app.waitForLine(
    (l) => l['msg'] === 'decision' && l['listener'] === listener && (host === null || l['host'] === host),
  );
}

describe.each(listenerDrivers)('listener contract: $name answers', (driver) => {
  const expectRefusal = (outcome: Outcome, status: number, proxyStatus: RegExp, alert: Buffer): void => {
    if (driver.kind === 'tls') {
      expect(outcome.bytes).toEqual(alert);
      return;
    }
    const res = parseRawResponse(outcome.bytes);
    expect(res.status).toBe(status);
    expect(res.headers['proxy-status']).toMatch(proxyStatus);
  };

  it('denyStyle forbidden: its own refusal (403 or a TLS access_denied alert), then a close', async () => {
    const before = upstreamConnections();
    const outcome = await exchange(driver.rawRequest(gates.forbidden.app, driver.deniedHost));
    expectRefusal(outcome, 403, /^egressgate; error=http_request_denied; .*no_matching_rule/, accessDenied);
    expect(outcome.end).toBe('closed');
    expect(upstreamConnections()).toBe(before);
    expect(await decisionOn(gates.forbidden, driver.name, driver.deniedHost)).toMatchObject({
      decision: 'deny',
      reason: 'no_matching_rule',
    });
  });

  it('denyStyle reset: a TCP reset and not one byte', async () => {
    const before = upstreamConnections();
    const outcome = await exchange(driver.rawRequest(gates.reset.app, driver.deniedHost));
    expect(outcome).toEqual({ bytes: Buffer.alloc(0), end: 'reset' });
    expect(upstreamConnections()).toBe(before);
    expect(await decisionOn(gates.reset, driver.name, driver.deniedHost)).toMatchObject({
      decision: 'deny',
      reason: 'no_matching_rule',
    });
  });

  it('denyStyle drop: silence, the socket held (and its slot) until the client leaves', async () => {
    const gate = gates.drop;
    await pollUntil(
      () => gate.app.app.activeConnections(),
      (n) => n === 0,
    );
    const request = driver.rawRequest(gate.app, driver.deniedHost);
    const received: Buffer[] = [];
    let closed = false;
    const socket = connect({ host: '127.0.0.1', port: request.port }, () => socket.write(request.bytes));
    socket.on('data', (c: Buffer) => received.push(c));
    socket.on('error', () => undefined);
    socket.once('close', () => (closed = true));
    const line = await decisionOn(gate, driver.name, driver.deniedHost);
    expect(line).toMatchObject({ decision: 'deny', reason: 'no_matching_rule' });
    // Whatever the client sends next is read and never answered.
    socket.write('more bytes\r\n\r\n');
    expect(gate.app.app.activeConnections()).toBe(1);
    socket.destroy();
    await pollUntil(
      () => gate.app.app.activeConnections(),
      (n) => n === 0,
    );
    expect(received).toEqual([]);
    expect(closed).toBe(true);
  });

  it('a connection over limits.maxConnections: 503 connection_limit_reached (or access_denied), counted', async () => {
    const gate = gates.limited;
    await pollUntil(
      () => gate.app.app.activeConnections(),
      (n) => n === 0,
    );
    const scope = { scope: 'global' };
    const rejected = await readMetric(gate.registry, 'egressgate_connection_limit_rejections_total', scope);
    // The one slot, held by an allowed tunnel on the explicit port.
    const holder = await openTunnel(gate.app.addresses.listen.port, 'allowed.example.test:443');
    try {
      expect(holder.status).toBe(200);
      const before = upstreamConnections();
      const outcome = await exchange(driver.rawRequest(gate.app, driver.allowedHost));
      expectRefusal(outcome, 503, /^egressgate; error=connection_limit_reached;/, accessDenied);
      expect(upstreamConnections()).toBe(before);
      const line = await gate.app.waitForLine(
        (l) => l['msg'] === 'decision' && l['listener'] === driver.name && l['reason'] === 'connection_limit',
      );
      expect(line).toMatchObject({ decision: 'deny', host: driver.allowedHost });
      expect(await readMetric(gate.registry, 'egressgate_connection_limit_rejections_total', scope)).toBe(
        rejected + 1,
      );
    } finally {
      holder.socket.destroy();
    }
  });

  it('a target it cannot parse: invalid_target, never dialed', async () => {
    const gate = gates.forbidden;
    const before = upstreamConnections();
    const outcome = await exchange(driver.invalidRequest(gate.app));
    expectRefusal(outcome, 400, /^egressgate; error=http_request_error; .*invalid_target/, accessDenied);
    expect(upstreamConnections()).toBe(before);
    const line = await gate.app.waitForLine(
      (l) => l['msg'] === 'decision' && l['listener'] === driver.name && l['reason'] === 'invalid_target',
    );
    expect(line).toMatchObject({ decision: 'deny' });
    // The unparsable name itself is never taken for a host.
    expect(line['host']).not.toBe(invalidHost);
  });

  it('a target it cannot parse under denyStyle reset: HTTP still explains it (400), TLS resets', async () => {
    const outcome = await exchange(driver.invalidRequest(gates.reset.app));
    if (driver.kind === 'tls') expect(outcome).toEqual({ bytes: Buffer.alloc(0), end: 'reset' });
    else expect(parseRawResponse(outcome.bytes).status).toBe(400);
    await gates.reset.app.waitForLine(
      (l) => l['msg'] === 'decision' && l['listener'] === driver.name && l['reason'] === 'invalid_target',
    );
  });

  it('an upstream that refuses: its failure answer (502 or internal_error), a dial_error close line', async () => {
    const gate = gates.unreachable;
    const labels = { error: 'connection_refused' };
    const failed = await readMetric(gate.registry, 'egressgate_dial_errors_total', labels);
    const outcome = await exchange(driver.rawRequest(gate.app, driver.allowedHost));
    expectRefusal(outcome, 502, /^egressgate; error=connection_refused;/, internalError);
    const decision = await decisionOn(gate, driver.name, driver.allowedHost);
    expect(decision).toMatchObject({ decision: 'allow', dialed: null, dialError: 'connection_refused' });
    const close = await gate.app.waitForLine((l) => l['msg'] === 'close' && l['conn'] === decision['conn']);
    expect(close).toMatchObject({ closeReason: 'dial_error', bytesIn: 0, bytesOut: 0 });
    expect(await readMetric(gate.registry, 'egressgate_dial_errors_total', labels)).toBe(failed + 1);
  });
});

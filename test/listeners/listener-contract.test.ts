import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCa } from '../support/make-certs.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startHttpUpstream, startHttpsUpstream, type Upstream } from '../support/start-upstream.js';
import type { Socket } from 'node:net';
import type { SocketAddress } from '../../src/egress-request.js';
import { contractOriginalDst, listenerDrivers } from './listener-drivers.js';

let tlsUpstream: Upstream;
let httpUpstream: Upstream;
let gate: TestApp;
let outsider: TestApp;
let caFile: string;

const upstreamConnections = (): number => tlsUpstream.connections() + httpUpstream.connections();

beforeAll(async () => {
  tlsUpstream = await startHttpsUpstream(['allowed.example.test', 'denied.example.test']);
  httpUpstream = await startHttpUpstream('origin');
  const config = {
    transparentTls: ['127.0.0.1:0'],
    transparentHttp: ['127.0.0.1:0'],
    transparentTcp: ['127.0.0.1:0'],
    // Every name, allowed or not, maps onto the local upstreams: only the policy keeps them out.
    connectTo: [`:443:127.0.0.1:${tlsUpstream.port}`, `:80:127.0.0.1:${httpUpstream.port}`],
  };
  // Only transparent-tcp connections are "redirected"; the other listeners see no original destination.
  const readOriginalDestination = (socket: Socket): SocketAddress | null =>
    [gate, outsider].some((g) => g?.addresses.transparentTcp[0]?.port === socket.localPort)
      ? contractOriginalDst
      : null;
  gate = await startTestApp(config, { readOriginalDestination });
  // A gateway whose only client group does not hold 127.0.0.1.
  outsider = await startTestApp({ ...config, allowClients: ['10.99.0.0/16'] }, { readOriginalDestination });
  caFile = join(mkdtempSync(join(tmpdir(), 'egressgate-')), 'ca.pem');
  writeFileSync(caFile, testCa().certPem);
});

afterAll(async () => {
  await gate.stop();
  await outsider.stop();
  await tlsUpstream.close();
  await httpUpstream.close();
});

describe.each(listenerDrivers)('listener contract: $name', (driver) => {
  it('relays an allowed request to the upstream and logs decision and close', async () => {
    const body = await driver.sendAllowed(gate, caFile, `/contract-${driver.name}`);
    expect(body).toContain(`GET /${driver.kind === 'http' ? 'allowed/' : ''}contract-${driver.name}`);
    const decision = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['listener'] === driver.name && l['host'] === driver.allowedHost,
    );
    expect(decision).toMatchObject({
      decision: 'allow',
      kind: driver.kind,
      group: 'local',
      client: '127.0.0.1',
    });
    expect(decision['dialed']).toMatch(/^127\.0\.0\.1:\d+$/);
    const close = await gate.waitForLine((l) => l['msg'] === 'close' && l['conn'] === decision['conn']);
    expect(close['bytesIn']).toBeGreaterThan(0);
    expect(close['bytesOut']).toBeGreaterThan(0);
  });

  it('refuses a denied target without ever reaching the upstream', async () => {
    const before = upstreamConnections();
    const seen = await driver.sendDenied(gate, caFile);
    expect(seen).toMatch(driver.kind === 'tls' ? /alert access denied/i : /403/);
    expect(upstreamConnections()).toBe(before);
    const line = await gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['listener'] === driver.name && l['host'] === driver.deniedHost,
    );
    expect(line).toMatchObject({ decision: 'deny', reason: 'no_matching_rule', level: 'warn' });
  });

  it('refuses a client that is in no client group (never an open proxy)', async () => {
    const before = upstreamConnections();
    const seen = await driver.sendAllowed(outsider, caFile);
    expect(seen).not.toContain('hello from');
    expect(upstreamConnections()).toBe(before);
    const line = await outsider.waitForLine((l) => l['msg'] === 'decision' && l['listener'] === driver.name);
    expect(line).toMatchObject({ decision: 'deny', reason: 'client_not_allowed', group: null });
  });
});

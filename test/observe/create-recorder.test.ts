import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EgressRequest } from '../../src/egress-request.js';
import { allow, deny } from '../../src/policy/decision.js';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { createRecorder } from '../../src/observe/create-recorder.js';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { captureLog } from './capture-log.js';

function setup() {
  const { logger, lines } = captureLog();
  const registry = new Registry();
  const metrics = createMetrics(registry, { deniedTopN: 2, defaultMetrics: false });
  let now = Date.parse('2026-01-01T00:00:00Z');
  const denied = new DeniedTracker(100, () => now);
  const recorder = createRecorder({
    logger,
    metrics,
    denied,
    profilesOf: (group) =>
      group === 'arc' ? ['azure-arc-kubernetes'] : ['azure-stack-hub', 'azure-arc-kubernetes'],
  });
  const value = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
      ?.value;
  };
  return { lines, registry, metrics, denied, recorder, value, tick: (ms: number) => (now += ms) };
}

const connectRequest: EgressRequest = {
  id: 'c-1',
  listener: 'explicit',
  kind: 'connect',
  client: { address: '10.1.0.5', port: 40001 },
  host: 'management.azure.com',
  port: 443,
  hostHeader: 'alice:s3cret@management.azure.com:443',
};

const tlsRequest: EgressRequest = {
  id: 't-1',
  listener: 'transparent-tls',
  kind: 'tls',
  client: { address: 'fd00::5', port: 50000 },
  host: 'evil.example',
  port: 443,
  sni: 'evil.example',
  originalDst: { address: '2001:db8::1', port: 443 },
  ech: true,
};

describe('createRecorder', () => {
  it('writes an allow decision line once connected, with dialed, and a close line', async () => {
    const { lines, recorder, value } = setup();
    recorder.decided(connectRequest, 'arc', allow('azure-arc-kubernetes', 'arm'), 'enforce');
    expect(lines).toHaveLength(0); // held until the upstream is dialed
    recorder.connected(connectRequest, { address: '192.0.2.10', port: 443 }, 0.02);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'decision',
      event: 'decision',
      conn: 'c-1',
      listener: 'explicit',
      kind: 'connect',
      client: '10.1.0.5',
      clientPort: 40001,
      group: 'arc',
      host: 'management.azure.com',
      port: 443,
      sni: null,
      hostHeader: '[REDACTED]@management.azure.com:443',
      path: null,
      origDst: null,
      decision: 'allow',
      reason: 'allowed',
      profile: 'azure-arc-kubernetes',
      rule: 'arm',
      mode: 'enforce',
      dialed: '192.0.2.10:443',
      ech: false,
    });
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBe(1);

    recorder.closed({
      request: connectRequest,
      group: 'arc',
      decision: allow('azure-arc-kubernetes', 'arm'),
      mode: 'enforce',
      dialed: { address: '192.0.2.10', port: 443 },
      bytesOut: 517,
      bytesIn: 4096,
      durationMs: 1234.4,
      closeReason: 'client_closed',
    });
    expect(lines[1]).toEqual({
      level: 'info',
      time: lines[1]!['time'],
      pid: process.pid,
      msg: 'close',
      event: 'close',
      conn: 'c-1',
      listener: 'explicit',
      client: '10.1.0.5',
      group: 'arc',
      host: 'management.azure.com',
      port: 443,
      decision: 'allow',
      profile: 'azure-arc-kubernetes',
      rule: 'arm',
      bytesOut: 517,
      bytesIn: 4096,
      durationMs: 1234,
      closeReason: 'client_closed',
    });
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBe(0);
    expect(await value('egressgate_bytes_total', { direction: 'out', listener: 'explicit' })).toBe(517);
    expect(await value('egressgate_bytes_total', { direction: 'in', listener: 'explicit' })).toBe(4096);
    expect(
      await value('egressgate_decisions_total', {
        decision: 'allow',
        listener: 'explicit',
        profile: 'azure-arc-kubernetes',
        reason: 'allowed',
      }),
    ).toBe(1);
    expect(await value('egressgate_upstream_connect_seconds', { le: '0.025' })).toBe(1);
  });

  it('writes a deny line at warn level at once and counts the denied destination', async () => {
    const { lines, recorder, value, denied } = setup();
    recorder.decided(tlsRequest, null, deny('no_matching_rule', 'no rule for evil.example'), 'enforce');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      msg: 'decision',
      event: 'decision',
      conn: 't-1',
      listener: 'transparent-tls',
      kind: 'tls',
      client: 'fd00::5',
      clientPort: 50000,
      group: null,
      host: 'evil.example',
      port: 443,
      sni: 'evil.example',
      hostHeader: null,
      origDst: '[2001:db8::1]:443',
      decision: 'deny',
      reason: 'no_matching_rule',
      detail: 'no rule for evil.example',
      profile: null,
      rule: null,
      mode: 'enforce',
      dialed: null,
      ech: true,
    });
    expect(
      await value('egressgate_decisions_total', {
        decision: 'deny',
        listener: 'transparent-tls',
        profile: 'azure-stack-hub+azure-arc-kubernetes',
        reason: 'no_matching_rule',
      }),
    ).toBe(1);
    expect(await value('egressgate_denied_destinations_total', { host: 'evil.example', port: '443' })).toBe(
      1,
    );
    expect(denied.snapshot().destinations[0]).toMatchObject({
      host: 'evil.example',
      port: 443,
      count: 1,
      denied: 1,
    });
  });

  it('writes a report decision at info level, with dialed, and counts it as report', async () => {
    const { lines, recorder, value, denied } = setup();
    const request: EgressRequest = {
      ...connectRequest,
      id: 'r-1',
      host: 'unlisted.example',
      hostHeader: 'unlisted.example:443',
    };
    recorder.decided(request, 'arc', deny('no_matching_rule', 'no rule', 'report'), 'report');
    recorder.connected(request, { address: '198.51.100.7', port: 443 }, 0.1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      decision: 'report',
      reason: 'no_matching_rule',
      mode: 'report',
      profile: null,
      dialed: '198.51.100.7:443',
    });
    expect(
      await value('egressgate_decisions_total', {
        decision: 'report',
        listener: 'explicit',
        profile: 'azure-arc-kubernetes',
        reason: 'no_matching_rule',
      }),
    ).toBe(1);
    expect(denied.snapshot().destinations[0]).toMatchObject({
      host: 'unlisted.example',
      reported: 1,
      denied: 0,
    });
  });

  it('writes the held decision line on a dial failure and counts the error', async () => {
    const { lines, recorder, value } = setup();
    recorder.decided(connectRequest, 'arc', allow('azure-arc-kubernetes', 'arm'), 'enforce');
    recorder.dialFailed(connectRequest, 'connection_refused');
    expect(lines[0]).toMatchObject({ decision: 'allow', dialed: null, dialError: 'connection_refused' });
    expect(await value('egressgate_dial_errors_total', { error: 'connection_refused' })).toBe(1);
    recorder.closed({
      request: connectRequest,
      group: 'arc',
      decision: allow('azure-arc-kubernetes', 'arm'),
      mode: 'enforce',
      dialed: null,
      bytesOut: 0,
      bytesIn: 0,
      durationMs: 3,
      closeReason: 'dial_error',
    });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ event: 'close', closeReason: 'dial_error' });
    // never connected, so the gauge was never raised and must not go negative
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBeUndefined();
  });

  it('keeps the denied destinations label set bounded', async () => {
    const { recorder, registry } = setup();
    for (let i = 0; i < 50; i++) {
      const host = i % 2 === 0 ? 'hot.example' : `scan-${i}.example`;
      recorder.decided({ ...tlsRequest, id: `s-${i}`, host }, null, deny('no_matching_rule', 'x'), 'enforce');
    }
    const values =
      (await registry.getSingleMetric('egressgate_denied_destinations_total')?.get())?.values ?? [];
    expect(values.length).toBeLessThanOrEqual(3);
    expect(values.reduce((sum, v) => sum + v.value, 0)).toBe(50);
    expect(values.find((v) => v.labels['host'] === 'hot.example')?.value).toBe(25);
    expect(values.find((v) => v.labels['host'] === '_other')?.value).toBe(24);
  });
});

describe('connection limit rejections', () => {
  it('counts by the scope reported before the decision, else as unknown', async () => {
    const { recorder, value } = setup();
    recorder.limitReached(connectRequest, 'group');
    recorder.decided(connectRequest, 'arc', deny('connection_limit', 'limit'), 'enforce');
    recorder.decided({ ...connectRequest, id: 'c-2' }, 'arc', deny('connection_limit', 'limit'), 'enforce');
    expect(await value('egressgate_connection_limit_rejections_total', { scope: 'group' })).toBe(1);
    expect(await value('egressgate_connection_limit_rejections_total', { scope: 'unknown' })).toBe(1);
  });

  it('a connection a bug cut short: the held decision line, one error line, and the gauge back to 0', async () => {
    const { lines, recorder, value } = setup();
    recorder.decided(connectRequest, 'arc', allow('azure-arc-kubernetes', 'arm'), 'enforce');
    recorder.connected(connectRequest, { address: '192.0.2.10', port: 443 }, 0.02);
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBe(1);
    recorder.failed(connectRequest, new TypeError('Invalid URL'));
    expect(lines.map((l) => l['msg'])).toEqual(['decision', 'connection closed by an internal error']);
    expect(lines[1]).toMatchObject({
      level: 'error',
      event: 'egress_error',
      conn: 'c-1',
      listener: 'explicit',
      client: '10.1.0.5',
      error: 'Invalid URL',
    });
    expect(await value('egressgate_active_connections', { listener: 'explicit' })).toBe(0);
  });
});

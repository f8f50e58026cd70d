import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DecisionLogging } from '../../src/config/serve-config.js';
import type { EgressRequest } from '../../src/egress-request.js';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { createRecorder } from '../../src/observe/create-recorder.js';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { allow, deny, type Decision } from '../../src/policy/decision.js';
import { captureLog } from './capture-log.js';

const request = (id: string): EgressRequest => ({
  id,
  listener: 'transparent-tcp',
  kind: 'tcp',
  client: { address: '10.1.0.5', port: 40001 },
  host: '192.0.2.10',
  port: 389,
  originalDst: { address: '192.0.2.10', port: 389 },
});

/** One allowed, one report-mode and one enforced connection, start to close, at log level warn. */
function run(decisions?: DecisionLogging): { lines: Record<string, unknown>[] } {
  const { logger, lines } = captureLog('warn');
  const metrics = createMetrics(new Registry(), { deniedTopN: 2, defaultMetrics: false });
  const recorder = createRecorder({
    logger,
    metrics,
    denied: new DeniedTracker(100, () => 0),
    ...(decisions === undefined ? {} : { decisions }),
  });
  const outcomes: [string, Decision][] = [
    ['allowed', allow('p', 'ldap')],
    ['reported', deny('ip_literal', 'no CIDR rule', 'report')],
    ['denied', deny('ip_literal', 'no CIDR rule', 'enforce')],
  ];
  for (const [id, decision] of outcomes) {
    const req = request(id);
    const mode = decision.verdict === 'deny' && !decision.enforced ? 'report' : 'enforce';
    recorder.decided(req, 'g', decision, mode);
    const dialed =
      decision.verdict === 'deny' && decision.enforced ? null : { address: '192.0.2.10', port: 389 };
    if (dialed !== null) recorder.connected(req, dialed, 0.01);
    recorder.closed({
      request: req,
      group: 'g',
      decision,
      mode: 'enforce',
      dialed,
      bytesOut: 1,
      bytesIn: 1,
      durationMs: 1,
      closeReason: dialed === null ? 'denied' : 'client_closed',
    });
  }
  logger.info('a start-up message the level drops');
  return { lines };
}

const summary = (lines: Record<string, unknown>[]): string[] =>
  lines.map((l) => `${String(l['msg'])} ${String(l['conn'])} ${String(l['decision'])}`);

describe('decision lines and the log level', () => {
  it('writes every decision and close line at log level warn (log.decisions: all, the default)', () => {
    expect(summary(run().lines)).toEqual([
      'decision allowed allow',
      'close allowed allow',
      'decision reported report',
      'close reported report',
      'decision denied deny',
      'close denied deny',
    ]);
  });

  it('log.decisions: deny keeps denials and report-mode lines, drops allowed connections', () => {
    expect(summary(run('deny').lines)).toEqual([
      'decision reported report',
      'close reported report',
      'decision denied deny',
      'close denied deny',
    ]);
  });

  it('log.decisions: none writes no decision or close line', () => {
    expect(run('none').lines).toEqual([]);
  });
});

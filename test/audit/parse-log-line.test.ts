import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/audit/log-event.js';
import { DENY_REASONS } from '../../src/policy/decision.js';

const decision = {
  level: 30,
  time: 1794819601200,
  event: 'decision',
  conn: 'c1',
  group: 'arc-nodes',
  host: 'Management.Azure.com',
  port: 443,
  decision: 'allow',
  reason: 'allowed',
  profile: 'azure-arc-kubernetes',
  rule: 'arm',
  mode: 'report',
  msg: 'decision',
};

describe('parseLogLine', () => {
  it('reads a decision line and lower-cases the host', () => {
    expect(parseLogLine(JSON.stringify(decision))).toMatchObject({
      type: 'decision',
      conn: 'c1',
      host: 'management.azure.com',
      port: 443,
      group: 'arc-nodes',
      decision: 'allow',
      rule: 'arm',
      path: null,
    });
  });

  it('reads a close line with its byte counts', () => {
    const close = {
      time: 5,
      event: 'close',
      conn: 'c1',
      group: null,
      host: 'a.example.com',
      port: 80,
      decision: 'report',
      bytesOut: 10,
      bytesIn: 20,
      msg: 'close',
    };
    expect(parseLogLine(JSON.stringify(close))).toMatchObject({
      type: 'close',
      bytesOut: 10,
      bytesIn: 20,
      group: null,
    });
  });

  it('reads every deny reason the proxy logs, under deny and report', () => {
    for (const reason of DENY_REASONS) {
      for (const label of ['deny', 'report'] as const) {
        const line = JSON.stringify({ ...decision, decision: label, reason, profile: null, rule: null });
        expect(parseLogLine(line)).toMatchObject({ type: 'decision', decision: label, reason });
      }
    }
  });

  it('passes other pino lines and blank lines as other', () => {
    expect(parseLogLine('{"level":30,"time":1,"msg":"egressgate listening"}')).toEqual({ type: 'other' });
    expect(parseLogLine('   ')).toEqual({ type: 'other' });
  });

  it.each([
    ['{"level":30,"time":1,"msg":"deci', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    [
      JSON.stringify({ ...decision, port: 70000 }),
      "decision line: 'port' missing or not an integer in 0..65535",
    ],
    [
      JSON.stringify({ ...decision, port: '443' }),
      "decision line: 'port' missing or not an integer in 0..65535",
    ],
    [
      JSON.stringify({ ...decision, decision: 'maybe' }),
      "decision line: 'decision' is not allow, deny or report",
    ],
    [JSON.stringify({ ...decision, host: '' }), "decision line: 'host' missing or not a string"],
    [
      JSON.stringify({ ...decision, time: undefined }),
      "decision line: 'time' missing or not an integer in 0..9007199254740991",
    ],
    [JSON.stringify({ ...decision, conn: undefined }), "decision line: 'conn' missing or not a string"],
    [JSON.stringify({ ...decision, group: 7 }), "decision line: 'group' is not a string"],
    [
      JSON.stringify({ ...decision, reason: 'because' }),
      "decision line: 'reason' missing or not a reason egressgate logs (allowed, no_matching_rule, port_not_allowed, path_not_allowed, ip_literal, invalid_target, no_sni, ip_sni, not_tls, client_not_allowed, private_address, loop, connection_limit)",
    ],
    [
      JSON.stringify({ ...decision, reason: undefined }),
      "decision line: 'reason' missing or not a reason egressgate logs (allowed, no_matching_rule, port_not_allowed, path_not_allowed, ip_literal, invalid_target, no_sni, ip_sni, not_tls, client_not_allowed, private_address, loop, connection_limit)",
    ],
    [JSON.stringify({ ...decision, mode: 'audit' }), "decision line: 'mode' is not enforce or report"],
  ])('marks %s malformed', (line, error) => {
    expect(parseLogLine(line)).toEqual({ type: 'malformed', error });
  });
});

import { Writable } from 'node:stream';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EgressRequest } from '../../src/egress-request.js';
import { createFlatRecordLogger, createLogger } from '../../src/observe/create-logger.js';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { createRecordWriter, jsonString } from '../../src/observe/create-record-writer.js';
import { createRecorder } from '../../src/observe/create-recorder.js';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { formatAddress } from '../../src/address/format-host-port.js';
import type { CloseLine, DecisionLine } from '../../src/observe/decision-log-line.js';
import type { ConnectionRecord } from '../../src/observe/recorder.js';
import { redactUserinfo } from '../../src/observe/redact-userinfo.js';
import { allow, decisionLabel, deny, type Decision, type Mode } from '../../src/policy/decision.js';

/** Raw output lines, `time` set to 0: everything else must match byte for byte. */
function rawLog(level: 'info' | 'warn' = 'info') {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString().split(/(?<=\n)/));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, lines: () => raw.map((l) => l.replace(/^(\{"level":"\w+","time":)\d+/, '$10')) };
}

// The decision and close lines as pino wrote them from objects before the recorder serialised
// them itself: the reference the new text must equal. Typed by the log schema, so a field the
// schema drops or renames fails typecheck here too.
function referenceDecision(
  request: EgressRequest,
  group: string | null,
  decision: Decision,
  mode: Mode,
  dialed: string | null,
  dialError?: DecisionLine['dialError'],
): DecisionLine {
  const fields: Omit<DecisionLine, 'dialed' | 'dialError'> = {
    event: 'decision',
    conn: request.id,
    listener: request.listener,
    kind: request.kind,
    client: request.client.address,
    clientPort: request.client.port,
    ...(request.user === undefined ? {} : { user: request.user }),
    group,
    host: redactUserinfo(request.host),
    port: request.port,
    sni: request.sni ?? null,
    hostHeader: request.hostHeader === undefined ? null : redactUserinfo(request.hostHeader),
    path: request.path === undefined ? null : redactUserinfo(request.path),
    origDst: request.originalDst === undefined ? null : formatAddress(request.originalDst),
    decision: decisionLabel(decision),
    reason: decision.reason,
    profile: decision.profile,
    rule: decision.rule,
    mode,
    ech: request.ech === true,
    ...(decision.verdict === 'deny' ? { detail: decision.detail } : {}),
  };
  return { ...fields, dialed, ...(dialError === undefined ? {} : { dialError }) };
}

function referenceClose(record: ConnectionRecord): CloseLine {
  const { request, decision } = record;
  return {
    event: 'close',
    conn: request.id,
    listener: request.listener,
    client: request.client.address,
    group: record.group,
    host: redactUserinfo(request.host),
    port: request.port,
    decision: decisionLabel(decision),
    profile: decision.profile,
    rule: decision.rule,
    bytesOut: record.bytesOut,
    bytesIn: record.bytesIn,
    durationMs: Math.round(record.durationMs),
    closeReason: record.closeReason,
  };
}

const awkward = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 130 }),
  fc.constantFrom('a"b\\c', 'alice:s3cret@example.com', 'http://u:p@h/x?y', '\u0000', 'é.example', '\ud800'),
);

describe('the recorder serialises its lines itself, byte for byte as pino did', () => {
  it('decision (allow, deny, report, dial error) and close lines', () => {
    fc.assert(
      fc.property(awkward, awkward, awkward, awkward, fc.integer(), (host, group, path, detail, n) => {
        const actual = rawLog();
        const expected = rawLog();
        const reference = createFlatRecordLogger(expected.logger);
        const recorder = createRecorder({
          logger: actual.logger,
          metrics: createMetrics(new Registry(), { deniedTopN: 2, defaultMetrics: false }),
          denied: new DeniedTracker(10, Date.now),
        });
        const request: EgressRequest = {
          id: `c-${n}`,
          listener: 'explicit',
          kind: 'http',
          client: { address: '::1', port: 1 + Math.abs(n % 65535) },
          host,
          port: 80,
          path,
          hostHeader: host,
          sni: group,
          originalDst: { address: '10.0.0.1', port: 443 },
          ech: n % 2 === 0,
          user: 'alice',
        };
        const allowed = allow(group, path);
        const refused = deny('no_matching_rule', detail);
        const reported = deny('port_not_allowed', detail, 'report');
        const dialed = { address: '192.0.2.1', port: 80 };

        recorder.decided(request, group, allowed, 'enforce');
        recorder.connected(request, dialed, 0.01);
        reference.info(
          referenceDecision(request, group, allowed, 'enforce', formatAddress(dialed)),
          'decision',
        );
        recorder.decided(request, null, refused, 'enforce');
        reference.warn(referenceDecision(request, null, refused, 'enforce', null), 'decision');
        recorder.decided(request, group, reported, 'report');
        recorder.dialFailed(request, 'dns_error');
        reference.info(referenceDecision(request, group, reported, 'report', null, 'dns_error'), 'decision');
        const record: ConnectionRecord = {
          request,
          group,
          decision: allowed,
          mode: 'enforce',
          dialed,
          bytesOut: Math.abs(n),
          bytesIn: 7,
          durationMs: n / 3,
          closeReason: 'client_closed',
        };
        recorder.closed(record);
        reference.info(referenceClose(record), 'close');

        expect(actual.lines()).toHaveLength(4);
        expect(actual.lines()).toEqual(expected.lines());
      }),
      { numRuns: 200 },
    );
  });

  it('writes nothing below the logger level, and deny lines at warn', () => {
    const { logger, lines } = rawLog('warn');
    const writer = createRecordWriter(createFlatRecordLogger(logger));
    writer.write('info', ',"event":"close"', 'close');
    writer.write('warn', ',"event":"decision"', 'decision');
    expect(lines()).toEqual([
      `{"level":"warn","time":0,"pid":${process.pid},"event":"decision","msg":"decision"}\n`,
    ]);
  });

  it('quotes strings as pino does', () => {
    for (const s of ['', 'plain', 'a"b', 'back\\slash', 'tab\there', 'x'.repeat(101), 'é', '\u001f']) {
      const { logger, lines } = rawLog();
      logger.info({ s }, 'm');
      expect(lines()[0]).toContain(`"s":${jsonString(s)},`);
    }
  });
});

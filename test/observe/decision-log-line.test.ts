import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EgressRequest } from '../../src/egress-request.js';
import { createLogger } from '../../src/observe/create-logger.js';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { createRecorder } from '../../src/observe/create-recorder.js';
import { CLOSE_LINE_FIELDS, DECISION_LINE_FIELDS } from '../../src/observe/decision-log-line.js';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { allow, deny } from '../../src/policy/decision.js';

const design = readFileSync(new URL('../../docs/design.md', import.meta.url), 'utf8');

/**
 * The field names docs/design.md lists for one line type: the backticked names of the paragraph that
 * starts with `start`, up to `end`, leaving out what the parentheses say about each field.
 */
function documentedFields(start: string, end: string): string[] {
  const from = design.indexOf(start);
  const to = design.indexOf(end, from + start.length);
  expect(from, `docs/design.md has "${start}"`).toBeGreaterThanOrEqual(0);
  expect(to, `docs/design.md has "${end}" after "${start}"`).toBeGreaterThan(from);
  let text = design.slice(from + start.length, to);
  for (let before = ''; before !== text;) {
    before = text;
    text = text.replace(/\([^()]*\)/g, '');
  }
  return [...text.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1] ?? '');
}

describe('the decision-log schema and docs/design.md name the same fields', () => {
  it('decision line', () => {
    const documented = documentedFields('Decision line, `"msg":"decision"`', 'Close line,');
    expect([...documented].sort()).toEqual([...DECISION_LINE_FIELDS].sort());
  });

  it('close line', () => {
    const documented = documentedFields('Close line, `"msg":"close"`', 'Lines carry');
    expect([...documented].sort()).toEqual([...CLOSE_LINE_FIELDS].sort());
  });

  it('the documented list would catch a field missing from either side', () => {
    const documented = documentedFields('Decision line, `"msg":"decision"`', 'Close line,');
    expect(documented).toContain('dialError');
    expect(documented).not.toContain('msg');
    expect(DECISION_LINE_FIELDS).not.toContain('msg');
  });
});

describe('the recorder writes the schema fields in the schema order', () => {
  it('every decision and close line, optional fields present or not', () => {
    const raw: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw.push(
          ...chunk
            .toString()
            .split('\n')
            .filter((l) => l !== ''),
        );
        done();
      },
    });
    const recorder = createRecorder({
      logger: createLogger({ level: 'info', destination }),
      metrics: createMetrics(new Registry(), { deniedTopN: 2, defaultMetrics: false }),
      denied: new DeniedTracker(10, Date.now),
    });
    const plain: EgressRequest = {
      id: 'c1',
      listener: 'explicit',
      kind: 'connect',
      client: { address: '127.0.0.1', port: 5000 },
      host: 'a.example',
      port: 443,
    };
    const full: EgressRequest = {
      ...plain,
      id: 'c2',
      user: 'alice',
      path: '/x',
      sni: 'a.example',
      ech: true,
    };
    recorder.decided(plain, null, allow('p', 'r'), 'enforce');
    recorder.connected(plain, { address: '192.0.2.1', port: 443 }, 0.01);
    recorder.decided(full, 'g', deny('port_not_allowed', 'why', 'report'), 'report');
    recorder.dialFailed(full, 'dns_error');
    recorder.decided(plain, null, deny('no_matching_rule', 'why'), 'enforce');
    recorder.closed({
      request: plain,
      group: null,
      decision: allow('p', 'r'),
      mode: 'enforce',
      dialed: { address: '192.0.2.1', port: 443 },
      bytesOut: 1,
      bytesIn: 2,
      durationMs: 3,
      closeReason: 'client_closed',
    });

    const lines = raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['msg'])).toEqual(['decision', 'decision', 'decision', 'close']);
    for (const line of lines) {
      const schema: readonly string[] = line['msg'] === 'close' ? CLOSE_LINE_FIELDS : DECISION_LINE_FIELDS;
      const fields = Object.keys(line).filter((k) => !['level', 'time', 'pid', 'msg'].includes(k));
      expect(fields).toEqual(schema.filter((k) => k in line));
    }
    // The second line carries every optional decision field.
    expect(Object.keys(lines[1] ?? {})).toEqual(expect.arrayContaining([...DECISION_LINE_FIELDS]));
  });
});

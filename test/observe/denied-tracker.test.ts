import { describe, expect, it } from 'vitest';
import { DeniedTracker, type DeniedHit } from '../../src/observe/denied-tracker.js';

const hit = (host: string, extra: Partial<DeniedHit> = {}): DeniedHit => ({
  host,
  port: 443,
  reason: 'no_matching_rule',
  enforced: true,
  client: '10.0.0.1',
  group: null,
  ...extra,
});

describe('DeniedTracker', () => {
  it('counts per destination with first and last seen, most frequent first', () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const tracker = new DeniedTracker(10, () => now);
    tracker.record(hit('a.example'));
    now += 1000;
    tracker.record(hit('b.example'));
    now += 1000;
    tracker.record(
      hit('b.example', { reason: 'port_not_allowed', enforced: false, client: '10.0.0.9', group: 'arc' }),
    );
    const snap = tracker.snapshot();
    expect(snap.destinations.map((d) => d.host)).toEqual(['b.example', 'a.example']);
    expect(snap.destinations[0]).toEqual({
      host: 'b.example',
      port: 443,
      count: 2,
      denied: 1,
      reported: 1,
      reasons: { no_matching_rule: 1, port_not_allowed: 1 },
      firstSeen: '2026-03-01T10:00:01.000Z',
      lastSeen: '2026-03-01T10:00:02.000Z',
      lastClient: '10.0.0.9',
      lastGroup: 'arc',
      // '-' is a client in no group.
      groups: ['-', 'arc'],
    });
  });

  it('forgets the least recently denied destination when full', () => {
    let now = 0;
    const tracker = new DeniedTracker(2, () => ++now);
    tracker.record(hit('a.example'));
    tracker.record(hit('b.example'));
    tracker.record(hit('a.example'));
    tracker.record(hit('c.example'));
    const snap = tracker.snapshot();
    expect(snap.destinations.map((d) => d.host).sort()).toEqual(['a.example', 'c.example']);
    expect(snap.forgotten).toBe(1);
  });

  it('keeps different ports apart', () => {
    const tracker = new DeniedTracker(10, () => 0);
    tracker.record(hit('a.example'));
    tracker.record(hit('a.example', { port: 22 }));
    expect(tracker.snapshot().destinations).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { DeniedTracker } from '../../src/observe/denied-tracker.js';
import { mergeDeniedSnapshots } from '../../src/workers/merge-denied-snapshots.js';

describe('mergeDeniedSnapshots', () => {
  it('adds up what each worker saw per destination, keeping the earliest first and the latest last sighting', () => {
    let now = 1_000;
    const a = new DeniedTracker(10, () => now);
    const b = new DeniedTracker(10, () => now);
    const hit = { port: 443, reason: 'no_matching_rule', enforced: true, group: 'g' } as const;
    a.record({ ...hit, host: 'x.example', client: '10.0.0.1' });
    now = 2_000;
    b.record({ ...hit, host: 'x.example', client: '10.0.0.2', enforced: false });
    b.record({ ...hit, host: 'y.example', client: '10.0.0.3' });
    now = 3_000;
    b.record({ ...hit, host: 'x.example', client: '10.0.0.4', reason: 'private_address' });

    const merged = mergeDeniedSnapshots([a.snapshot(), b.snapshot()]);
    expect(merged.capacity).toBe(20);
    expect(merged.destinations.map((d) => d.host)).toEqual(['x.example', 'y.example']);
    expect(merged.destinations[0]).toMatchObject({
      count: 3,
      denied: 2,
      reported: 1,
      reasons: { no_matching_rule: 2, private_address: 1 },
      firstSeen: new Date(1_000).toISOString(),
      lastSeen: new Date(3_000).toISOString(),
      lastClient: '10.0.0.4',
    });
  });
});

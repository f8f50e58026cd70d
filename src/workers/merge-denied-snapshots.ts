import type { DeniedEntry, DeniedSnapshot } from '../observe/denied-tracker.js';

function addReasons(
  a: DeniedEntry['reasons'],
  b: DeniedEntry['reasons'],
): Partial<Record<keyof DeniedEntry['reasons'], number>> {
  const out: Partial<Record<keyof DeniedEntry['reasons'], number>> = { ...a };
  for (const [reason, n] of Object.entries(b) as [keyof DeniedEntry['reasons'], number][]) {
    out[reason] = (out[reason] ?? 0) + n;
  }
  return out;
}

/**
 * One /denied answer from every worker's table: counts add up per destination, the first sighting is
 * the earliest and the last client and group are those of the latest. Same order as a single table:
 * most frequent first, ties by most recent.
 */
export function mergeDeniedSnapshots(snapshots: readonly DeniedSnapshot[]): DeniedSnapshot {
  const byKey = new Map<string, DeniedEntry>();
  for (const snapshot of snapshots) {
    for (const e of snapshot.destinations) {
      const key = `${e.port} ${e.host}`;
      const seen = byKey.get(key);
      if (seen === undefined) {
        byKey.set(key, e);
        continue;
      }
      const latest = e.lastSeen > seen.lastSeen ? e : seen;
      byKey.set(key, {
        host: e.host,
        port: e.port,
        count: seen.count + e.count,
        denied: seen.denied + e.denied,
        reported: seen.reported + e.reported,
        reasons: addReasons(seen.reasons, e.reasons),
        firstSeen: e.firstSeen < seen.firstSeen ? e.firstSeen : seen.firstSeen,
        lastSeen: latest.lastSeen,
        lastClient: latest.lastClient,
        lastGroup: latest.lastGroup,
        groups: [...new Set([...seen.groups, ...e.groups])].sort().slice(0, 8),
      });
    }
  }
  const destinations = [...byKey.values()].sort(
    (a, b) => b.count - a.count || (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0),
  );
  return {
    capacity: snapshots.reduce((n, s) => n + s.capacity, 0),
    forgotten: snapshots.reduce((n, s) => n + s.forgotten, 0),
    destinations,
  };
}

import type { DenyReason } from '../policy/decision.js';

export interface DeniedEntry {
  readonly host: string;
  readonly port: number;
  /** Denials plus report-mode would-be denials. */
  readonly count: number;
  readonly denied: number;
  readonly reported: number;
  readonly reasons: Readonly<Partial<Record<DenyReason, number>>>;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly lastClient: string;
  readonly lastGroup: string | null;
  /** Client groups seen asking for it ("-" = no group), at most MAX_GROUPS. */
  readonly groups: readonly string[];
}

export interface DeniedSnapshot {
  readonly capacity: number;
  /** Destinations forgotten because the table was full (least recently denied go first). */
  readonly forgotten: number;
  readonly destinations: readonly DeniedEntry[];
}

export interface DeniedHit {
  readonly host: string;
  readonly port: number;
  readonly reason: DenyReason;
  readonly enforced: boolean;
  readonly client: string;
  readonly group: string | null;
}

interface MutableEntry {
  host: string;
  port: number;
  denied: number;
  reported: number;
  reasons: Partial<Record<DenyReason, number>>;
  firstSeen: number;
  lastSeen: number;
  lastClient: string;
  lastGroup: string | null;
  readonly groups: Set<string>;
}

/**
 * The recent denied destinations behind the admin `/denied` endpoint: what an operator looks at to find
 * the host a vendor forgot to document. Bounded: when full, the destination denied least recently is
 * forgotten, so a scan of random names cannot grow memory.
 */
/** Groups kept per destination: a handful names who asks; the rest would only grow the entry. */
const MAX_GROUPS = 8;

export class DeniedTracker {
  readonly #capacity: number;
  readonly #now: () => number;
  // Map iteration order is insertion order; re-inserting on each hit keeps it least-recent first.
  readonly #entries = new Map<string, MutableEntry>();
  #forgotten = 0;

  constructor(capacity: number, now: () => number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#now = now;
  }

  record(hit: DeniedHit): void {
    const key = `${hit.port} ${hit.host}`;
    const now = this.#now();
    const entry = this.#entries.get(key) ?? {
      host: hit.host,
      port: hit.port,
      denied: 0,
      reported: 0,
      reasons: {},
      firstSeen: now,
      lastSeen: now,
      lastClient: hit.client,
      lastGroup: hit.group,
      groups: new Set<string>(),
    };
    if (entry.groups.size < MAX_GROUPS) entry.groups.add(hit.group ?? '-');
    if (hit.enforced) entry.denied += 1;
    else entry.reported += 1;
    entry.reasons[hit.reason] = (entry.reasons[hit.reason] ?? 0) + 1;
    entry.lastSeen = now;
    entry.lastClient = hit.client;
    entry.lastGroup = hit.group;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
      this.#forgotten += 1;
    }
  }

  /** Most frequent first; ties by most recent. */
  snapshot(): DeniedSnapshot {
    const destinations = [...this.#entries.values()]
      .sort((a, b) => b.denied + b.reported - (a.denied + a.reported) || b.lastSeen - a.lastSeen)
      .map((e): DeniedEntry => ({
        host: e.host,
        port: e.port,
        count: e.denied + e.reported,
        denied: e.denied,
        reported: e.reported,
        reasons: { ...e.reasons },
        firstSeen: new Date(e.firstSeen).toISOString(),
        lastSeen: new Date(e.lastSeen).toISOString(),
        lastClient: e.lastClient,
        lastGroup: e.lastGroup,
        groups: [...e.groups].sort(),
      }));
    return { capacity: this.#capacity, forgotten: this.#forgotten, destinations };
  }
}

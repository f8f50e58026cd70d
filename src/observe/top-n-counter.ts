export interface TopNUpdate {
  /** The key's own label if it is admitted after this hit, otherwise OTHER_LABEL. */
  readonly label: string;
  /** A key that lost its label to make room (its series should be removed), or null. */
  readonly evicted: string | null;
}

export const OTHER_LABEL = '_other';

export interface TopNOptions {
  /** Slots for estimating frequencies (admitted keys included); default max(4 * labels, 64). */
  readonly capacity?: number;
  /** Every this many hits all counts are halved, so the ranking follows recent traffic; default 16 * capacity. */
  readonly halveEvery?: number;
}

interface Tracked {
  count: number;
  /** Space-Saving over-estimate: the count inherited from the key this one replaced. */
  error: number;
}

/**
 * Decides which keys deserve their own metric label: at most `labels` keys at a time, the rest share
 * OTHER_LABEL. Frequencies of the other keys are estimated with the Space-Saving algorithm over a fixed
 * number of slots, so memory stays bounded however many distinct keys arrive.
 *
 * A key is admitted while a label is free, or when its guaranteed count (count - error, never an
 * over-estimate) is strictly greater than the smallest count among the admitted keys, which it then
 * evicts. Admitted keys are never displaced by Space-Saving itself, so a scan of one-off names (each
 * guaranteed only 1) cannot churn the label set; ties keep the incumbent. Counts are halved
 * periodically, so a destination that stopped being denied eventually makes room for a current one.
 */
export class TopNCounter {
  readonly #labels: number;
  readonly #capacity: number;
  readonly #halveEvery: number;
  readonly #tracked = new Map<string, Tracked>();
  readonly #admitted = new Set<string>();
  #hits = 0;

  constructor(labels: number, options: TopNOptions = {}) {
    const capacity = options.capacity ?? Math.max(4 * labels, 64);
    const halveEvery = options.halveEvery ?? 16 * capacity;
    if (!Number.isInteger(labels) || labels < 0)
      throw new RangeError(`labels must be a non-negative integer, got ${labels}`);
    if (!Number.isInteger(capacity) || capacity <= labels) {
      throw new RangeError(`capacity must be an integer greater than labels (${labels}), got ${capacity}`);
    }
    if (!Number.isInteger(halveEvery) || halveEvery < 1)
      throw new RangeError(`halveEvery must be a positive integer, got ${halveEvery}`);
    this.#labels = labels;
    this.#capacity = capacity;
    this.#halveEvery = halveEvery;
  }

  record(key: string): TopNUpdate {
    this.#count(key);
    if (++this.#hits % this.#halveEvery === 0) this.#halve();
    if (this.#admitted.has(key)) return { label: key, evicted: null };
    if (this.#admitted.size < this.#labels) {
      this.#admitted.add(key);
      return { label: key, evicted: null };
    }
    const weakest = this.#weakestAdmitted();
    if (weakest === null || this.#guaranteed(key) <= this.#guaranteed(weakest)) {
      return { label: OTHER_LABEL, evicted: null };
    }
    this.#admitted.delete(weakest);
    this.#admitted.add(key);
    return { label: key, evicted: weakest };
  }

  /** Keys that currently have their own label, with their (decayed) counts, largest first. */
  admitted(): readonly { key: string; count: number }[] {
    return [...this.#admitted]
      .map((key) => ({ key, count: this.#tracked.get(key)?.count ?? 0 }))
      .sort((a, b) => b.count - a.count);
  }

  #count(key: string): void {
    const entry = this.#tracked.get(key);
    if (entry !== undefined) {
      entry.count += 1;
      return;
    }
    if (this.#tracked.size < this.#capacity) {
      this.#tracked.set(key, { count: 1, error: 0 });
      return;
    }
    // Space-Saving: the new key replaces the least counted unlabelled key and inherits its count.
    let minKey: string | null = null;
    let min = Infinity;
    for (const [k, t] of this.#tracked) {
      if (t.count < min && !this.#admitted.has(k)) {
        minKey = k;
        min = t.count;
      }
    }
    if (minKey === null) return; // unreachable: capacity > labels leaves an unlabelled slot
    this.#tracked.delete(minKey);
    this.#tracked.set(key, { count: min + 1, error: min });
  }

  #halve(): void {
    for (const [k, t] of this.#tracked) {
      t.count = Math.floor(t.count / 2);
      t.error = Math.floor(t.error / 2);
      if (t.count === 0 && !this.#admitted.has(k)) this.#tracked.delete(k);
    }
  }

  #guaranteed(key: string): number {
    const t = this.#tracked.get(key);
    return t === undefined ? 0 : t.count - t.error;
  }

  #weakestAdmitted(): string | null {
    let weakest: string | null = null;
    let weakestCount = Infinity;
    for (const key of this.#admitted) {
      const g = this.#guaranteed(key);
      if (g < weakestCount) {
        weakest = key;
        weakestCount = g;
      }
    }
    return weakest;
  }
}

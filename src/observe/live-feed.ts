export type Outcome = 'allow' | 'deny' | 'report';

export interface LiveDecision {
  readonly time: string;
  readonly outcome: Outcome;
  readonly listener: string;
  readonly client: string;
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  /** `profile/rule` for an allow, the reason for a denial. */
  readonly why: string;
}

export interface LiveSnapshot {
  /** Epoch ms when taken: the page divides count differences by time differences for a rate. */
  readonly now: number;
  readonly totals: Readonly<Record<Outcome, number>>;
  /** Newest first. */
  readonly recent: readonly LiveDecision[];
}

/**
 * What the admin /ui page shows beyond /denied: decision counts by outcome since start (the page
 * turns two of them into a rate) and the last decisions, in a fixed-size ring.
 */
export class LiveFeed {
  readonly #ring: (LiveDecision | undefined)[];
  readonly #now: () => number;
  #next = 0;
  readonly #totals: Record<Outcome, number> = { allow: 0, deny: 0, report: 0 };

  constructor(capacity: number, now: () => number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be positive, got ${capacity}`);
    this.#ring = new Array<LiveDecision | undefined>(capacity);
    this.#now = now;
  }

  record(decision: Omit<LiveDecision, 'time'>): void {
    this.#totals[decision.outcome] += 1;
    this.#ring[this.#next] = { time: new Date(this.#now()).toISOString(), ...decision };
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  snapshot(): LiveSnapshot {
    const recent: LiveDecision[] = [];
    for (let i = 1; i <= this.#ring.length; i++) {
      const d = this.#ring[(this.#next - i + this.#ring.length) % this.#ring.length];
      if (d !== undefined) recent.push(d);
    }
    return { now: this.#now(), totals: { ...this.#totals }, recent };
  }
}

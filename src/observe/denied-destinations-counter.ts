import type { Counter } from 'prom-client';
import { OTHER_LABEL, TopNCounter } from './top-n-counter.js';

/** Longest host label value kept; a denied "host" can be arbitrary client input. */
const MAX_HOST_LABEL = 253;

/**
 * egressgate_denied_destinations_total with a bounded label set: at most `topN` host/port series plus
 * host="_other". A destination gets its own series once it is among the most frequently denied (see
 * TopNCounter) and counts there from then on; hits before admission, and after eviction, go to _other.
 * An evicted destination's series is removed (that is what bounds the label set), so query it with
 * rate()/increase(), never as raw totals.
 */
export class DeniedDestinationsCounter {
  readonly #counter: Counter<'host' | 'port' | 'decision'>;
  readonly #top: TopNCounter;

  constructor(counter: Counter<'host' | 'port' | 'decision'>, topN: number) {
    this.#counter = counter;
    this.#top = new TopNCounter(topN);
  }

  /** `decision`: 'deny' (enforced) or 'report' (report mode let it through); each has its own series. */
  inc(host: string, port: number, decision: 'deny' | 'report' = 'deny'): void {
    const name = host.length > MAX_HOST_LABEL ? host.slice(0, MAX_HOST_LABEL) : host;
    const key = `${decision} ${port} ${name}`;
    const { label, evicted } = this.#top.record(key);
    if (evicted !== null) this.#counter.remove(splitKey(evicted));
    if (label === OTHER_LABEL) this.#counter.inc({ host: OTHER_LABEL, decision });
    else this.#counter.inc(splitKey(label));
  }
}

function splitKey(key: string): { host: string; port: string; decision: string } {
  const first = key.indexOf(' ');
  const second = key.indexOf(' ', first + 1);
  return { host: key.slice(second + 1), port: key.slice(first + 1, second), decision: key.slice(0, first) };
}

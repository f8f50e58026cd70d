import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OTHER_LABEL, TopNCounter } from '../../src/observe/top-n-counter.js';

describe('TopNCounter', () => {
  it('admits the first N keys, then sends the rest to _other', () => {
    const top = new TopNCounter(2);
    expect(top.record('a').label).toBe('a');
    expect(top.record('b').label).toBe('b');
    expect(top.record('c')).toEqual({ label: OTHER_LABEL, evicted: null });
    expect(top.record('a').label).toBe('a');
  });

  it('lets a key that overtakes the weakest admitted one take its label', () => {
    const top = new TopNCounter(2);
    top.record('a');
    top.record('a');
    top.record('a');
    top.record('b'); // b: 1
    expect(top.record('c').label).toBe(OTHER_LABEL); // c: 1, tie keeps b
    expect(top.record('c')).toEqual({ label: 'c', evicted: 'b' }); // c: 2 > b: 1
    expect(top.record('b').label).toBe(OTHER_LABEL);
    expect(top.admitted().map((e) => e.key)).toEqual(['a', 'c']);
  });

  it('does not churn labels on a scan of one-off names', () => {
    const top = new TopNCounter(3, { capacity: 12, halveEvery: 100_000 });
    for (const k of ['x', 'y', 'z']) for (let i = 0; i < 5; i++) top.record(k);
    let evictions = 0;
    for (let i = 0; i < 1000; i++) if (top.record(`scan-${i}`).evicted !== null) evictions++;
    expect(evictions).toBe(0);
    expect(
      top
        .admitted()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['x', 'y', 'z']);
  });

  it('lets a current destination replace one that stopped being denied', () => {
    const top = new TopNCounter(1, { capacity: 4, halveEvery: 100 });
    for (let i = 0; i < 1000; i++) top.record('old');
    let newLabelled = false;
    for (let i = 0; i < 2000 && !newLabelled; i++) newLabelled = top.record('new').label === 'new';
    expect(newLabelled).toBe(true);
    expect(top.admitted().map((e) => e.key)).toEqual(['new']);
  });

  it('rejects bad sizes', () => {
    expect(() => new TopNCounter(-1)).toThrow(RangeError);
    expect(() => new TopNCounter(5, { capacity: 5 })).toThrow(RangeError);
    expect(() => new TopNCounter(5, { halveEvery: 0 })).toThrow(RangeError);
  });

  it('never gives out more than N labels, and every eviction names a key that had one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 400 }),
        (n, keys) => {
          const top = new TopNCounter(n, { capacity: n + 3, halveEvery: 50 });
          const live = new Set<string>();
          for (const k of keys) {
            const { label, evicted } = top.record(`k${k}`);
            if (evicted !== null) {
              expect(live.has(evicted)).toBe(true);
              live.delete(evicted);
            }
            if (label !== OTHER_LABEL) live.add(label);
            expect(live.size).toBeLessThanOrEqual(n);
          }
          expect(new Set(top.admitted().map((e) => e.key))).toEqual(live);
        },
      ),
    );
  });

  it('keeps a dominant key labelled among heavy noise', () => {
    const top = new TopNCounter(1, { capacity: 16 });
    let heavyLabelled = 0;
    for (let i = 0; i < 2000; i++) {
      if (top.record(i % 3 === 0 ? 'heavy' : `noise-${i % 97}`).label === 'heavy') heavyLabelled++;
    }
    expect(top.admitted()[0]?.key).toBe('heavy');
    expect(heavyLabelled).toBeGreaterThan(600);
  });
});

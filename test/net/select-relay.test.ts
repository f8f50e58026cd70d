import { describe, expect, it } from 'vitest';
import type { SpliceRelayAddon } from '../../src/net/load-native-addon.js';
import { selectRelay } from '../../src/net/select-relay.js';
import { describeHeapTuning } from '../../src/observe/describe-heap-tuning.js';
import { nativeRelayBuilt } from '../support/relays.js';

const missing = (): null => null;
const built = (): SpliceRelayAddon => ({}) as SpliceRelayAddon;

describe('relay selection (relay: native | js)', () => {
  it('runs native where the addon is built unless js is asked for', () => {
    expect(selectRelay(null, built)).toMatchObject({ kind: 'native', fallback: null });
    expect(selectRelay('native', built)).toMatchObject({ kind: 'native', fallback: null });
    expect(selectRelay('js', built)).toMatchObject({ kind: 'js', addon: null, fallback: null });
  });

  it('falls back to js without the addon, and says so only when native was asked for', () => {
    expect(selectRelay(null, missing)).toEqual({ kind: 'js', addon: null, fallback: null });
    const asked = selectRelay('native', missing);
    expect(asked.kind).toBe('js');
    expect(asked.fallback).toMatch(/native addon is not built/);
  });

  it('finds the addon this checkout built (npm ci on Linux builds it; CI checks that it did)', () => {
    expect(selectRelay(null).kind).toBe(nativeRelayBuilt ? 'native' : 'js');
  });
});

describe('heap thresholds in the start-up line', () => {
  it('reports what mallopt set when the addon loaded', () => {
    const tuned = describeHeapTuning({}, () => ({
      heapTuning: () => ({ applied: true, trimThreshold: 67108864, mmapThreshold: 33554432 }),
    }));
    expect(tuned).toEqual({ heapTuning: 'mallopt', trimThreshold: 67108864, mmapThreshold: 33554432 });
  });

  it('falls back to GLIBC_TUNABLES, then to none', () => {
    const env = {
      GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=67108864:glibc.malloc.mmap_threshold=33554432',
    };
    expect(describeHeapTuning(env, missing)).toEqual({
      heapTuning: 'GLIBC_TUNABLES',
      trimThreshold: 67108864,
      mmapThreshold: 33554432,
    });
    expect(describeHeapTuning({ GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' }, missing)).toEqual({
      heapTuning: 'none',
      trimThreshold: null,
      mmapThreshold: null,
    });
  });

  it('is set in this process once the built addon is loaded', () => {
    const here = describeHeapTuning({});
    if (nativeRelayBuilt)
      expect(here).toMatchObject({ heapTuning: 'mallopt', trimThreshold: 64 * 1024 * 1024 });
    else expect(here.heapTuning).not.toBe('mallopt');
  });
});

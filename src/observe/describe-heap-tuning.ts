import { loadHeapTuningAddon, type HeapTuningAddon } from '../net/load-native-addon.js';

/** Which glibc heap thresholds are in force, for the start-up log line. */
export interface HeapTuning {
  /** mallopt = set by the native addon on load; GLIBC_TUNABLES = from the environment; none = glibc defaults. */
  readonly heapTuning: 'mallopt' | 'GLIBC_TUNABLES' | 'none';
  readonly trimThreshold: number | null;
  readonly mmapThreshold: number | null;
}

/**
 * Loading the addon sets the thresholds (native/heap_tuning.c); without it, the GLIBC_TUNABLES the
 * Dockerfile and Helm chart set are the fallback. Without either, glibc trims the heap after every
 * burst of freed read buffers and faults it back in, which costs about half a busy relay's CPU.
 */
export function describeHeapTuning(
  env: Readonly<Record<string, string | undefined>>,
  load: () => HeapTuningAddon | null = loadHeapTuningAddon,
): HeapTuning {
  const tuned = load()?.heapTuning();
  if (tuned?.applied === true) {
    return { heapTuning: 'mallopt', trimThreshold: tuned.trimThreshold, mmapThreshold: tuned.mmapThreshold };
  }
  const tunables = new Map(
    (env['GLIBC_TUNABLES'] ?? '')
      .split(':')
      .map((pair) => pair.split('=') as [string, string | undefined])
      .filter((pair): pair is [string, string] => pair[1] !== undefined),
  );
  const trim = tunables.get('glibc.malloc.trim_threshold');
  const mmap = tunables.get('glibc.malloc.mmap_threshold');
  if (trim === undefined && mmap === undefined) {
    return { heapTuning: 'none', trimThreshold: null, mmapThreshold: null };
  }
  return {
    heapTuning: 'GLIBC_TUNABLES',
    trimThreshold: trim === undefined ? null : Number(trim),
    mmapThreshold: mmap === undefined ? null : Number(mmap),
  };
}

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The relay half of the C addon in native/ (splice_relay.c); present on Linux builds only. */
export interface SpliceRelayAddon {
  relayCreate(onEvents: (records: Float64Array) => void, progressMs: number): object;
  relayAdd(
    engine: object,
    clientFd: number,
    upstreamFd: number,
    idleMs: number,
    toUpstream: Buffer | null,
    toClient: Buffer | null,
  ): number;
  relayClose(engine: object, id: number, reason: number): void;
  relayRef(engine: object): void;
  relayUnref(engine: object): void;
  relayDestroy(engine: object): void;
}

/** What heap_tuning.c did when the addon loaded (thresholds are -1 where mallopt refused). */
export interface HeapTuningAddon {
  heapTuning(): { applied: boolean; trimThreshold: number; mmapThreshold: number };
}

// Same relative place from src/net/ (tsx, tests) and from dist/net/ (built package).
const ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/original_dst.node', import.meta.url));

// One dlopen attempt per process: the addon is process-global by nature (require caches it too).
let loaded: Record<string, unknown> | null | undefined;

function loadAddon(): Record<string, unknown> | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(ADDON_PATH) as Record<string, unknown>;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** The splice relay, or null where the addon was not built (no compiler, not Linux). */
export function loadSpliceRelayAddon(): SpliceRelayAddon | null {
  const mod = loadAddon();
  return mod !== null && typeof mod['relayCreate'] === 'function'
    ? (mod as unknown as SpliceRelayAddon)
    : null;
}

/** Loading the addon is what sets the heap thresholds; null where it was not built. */
export function loadHeapTuningAddon(): HeapTuningAddon | null {
  const mod = loadAddon();
  return mod !== null && typeof mod['heapTuning'] === 'function' ? (mod as unknown as HeapTuningAddon) : null;
}

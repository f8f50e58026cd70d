import { loadSpliceRelayAddon, type SpliceRelayAddon } from './load-native-addon.js';
import type { RelayKind } from './native-relay.js';

export interface RelayChoice {
  readonly kind: RelayKind;
  /** Set when kind is native. */
  readonly addon: SpliceRelayAddon | null;
  /** Why the JS relay runs although native was asked for (addon not built); null otherwise. */
  readonly fallback: string | null;
}

/** `relay` from the config: native where the addon is built unless js is asked for. */
export function selectRelay(
  wanted: RelayKind | null,
  load: () => SpliceRelayAddon | null = loadSpliceRelayAddon,
): RelayChoice {
  if (wanted === 'js') return { kind: 'js', addon: null, fallback: null };
  const addon = load();
  if (addon !== null) return { kind: 'native', addon, fallback: null };
  return {
    kind: 'js',
    addon: null,
    fallback:
      wanted === 'native'
        ? 'relay: native was asked for, but the native addon is not built (Linux with a C compiler at npm install)'
        : null,
  };
}

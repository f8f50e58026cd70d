import type { Logger } from 'pino';
import { createNativeRelay, type NativeRelay, type RelayKind } from './native-relay.js';
import { selectRelay } from './select-relay.js';
import type { SpliceRelayAddon } from './load-native-addon.js';

/** The app's relay: which one is in force, and the native one (null on the JS relay). */
export interface PreparedRelay {
  readonly kind: RelayKind;
  readonly native: NativeRelay | null;
  /** Starts the native thread; if it cannot start, logs why and falls back to the JS relay. */
  start(): void;
  stop(): void;
}

/** `relay` from the settings → the relay in force, with a warning whenever native was wanted but is not it. */
export function prepareRelay(
  wanted: RelayKind | null,
  logger: Pick<Logger, 'warn'>,
  options: { readonly progressMs: number; readonly load?: () => SpliceRelayAddon | null },
): PreparedRelay {
  const choice = selectRelay(wanted, options.load);
  if (choice.fallback !== null) logger.warn({ event: 'relay_fallback', relay: 'js' }, choice.fallback);
  const native = choice.addon === null ? null : createNativeRelay(choice.addon, options);
  let kind = choice.kind;
  return {
    get kind() {
      return kind;
    },
    native,
    start() {
      const err = native?.start() ?? null;
      if (err === null) return;
      kind = 'js';
      logger.warn(
        { event: 'relay_fallback', relay: 'js', error: err.message },
        'native relay failed to start',
      );
    },
    stop: () => native?.stop(),
  };
}

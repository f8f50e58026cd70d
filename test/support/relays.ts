import { describe } from 'vitest';
import { loadSpliceRelayAddon } from '../../src/net/load-native-addon.js';
import type { RelayKind } from '../../src/net/native-relay.js';

/** Whether native/build has the splice relay (Linux with a C compiler at npm ci). */
export const nativeRelayBuilt = loadSpliceRelayAddon() !== null;

/**
 * Runs `body` once per relay (`relay: js` and `relay: native`); where the addon is not built the
 * native run is skipped and its title says why.
 */
export function describeRelays(title: string, body: (relay: RelayKind) => void): void {
  describe(`${title} [relay: js]`, () => body('js'));
  const native = nativeRelayBuilt
    ? `${title} [relay: native]`
    : `${title} [relay: native] skipped: the native addon is not built (npm ci on Linux with a C compiler)`;
  describe.skipIf(!nativeRelayBuilt)(native, () => body('native'));
}

/** Node sockets in this process: a native tunnel holds none of the proxy's own. */
export function countTcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

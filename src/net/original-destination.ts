import { createRequire } from 'node:module';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SocketAddress } from '../egress-request.js';
import { mappedIPv4, unmapIPv4 } from '../address/unmap-ipv4.js';

/** The C addon in native/ (built by scripts/build-native.mjs; optional). */
export interface OriginalDstAddon {
  /** null when the kernel has no NAT record (ENOENT); throws an Error with an errno `code` otherwise. */
  getOriginalDst(fd: number, family: 4 | 6): { address: string; port: number } | null;
}

// Same relative place from src/net/ (tsx, tests) and from dist/net/ (built package).
const ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/original_dst.node', import.meta.url));

// A memo of one dlopen attempt, not a service: the addon is process-global by nature, and
// retrying a missing file on every transparent connection would only cost a stat each time.
let loaded: OriginalDstAddon | null | undefined;

/** The addon, or null when it was not built (no compiler, not Linux). Loaded on first use. */
export function loadOriginalDstAddon(): OriginalDstAddon | null {
  if (loaded === undefined) {
    try {
      const mod = createRequire(import.meta.url)(ADDON_PATH) as Partial<OriginalDstAddon>;
      loaded = typeof mod.getOriginalDst === 'function' ? (mod as OriginalDstAddon) : null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** Whether transparent mode can learn the original destination (else it uses the listener's DEST_PORT). */
export function isOriginalDestinationAvailable(): boolean {
  return loadOriginalDstAddon() !== null;
}

/**
 * Where the client meant to connect before iptables/nftables REDIRECT or DNAT brought the
 * connection to us. Null when the addon is missing, the socket has no file descriptor, the
 * connection was not redirected, or getsockopt fails for any other reason.
 *
 * A connection that reached us directly has, once conntrack is active, our own address as its
 * "original" destination; that is reported as null too, since dialing it would loop back here.
 *
 * IPv4 clients of a dual-stack listener ("::") show up as ::ffff:a.b.c.d; their NAT record is an
 * IPv4 one, so those are asked with SOL_IP even though the socket is AF_INET6.
 */
export function readOriginalDestination(socket: net.Socket): SocketAddress | null {
  const addon = loadOriginalDstAddon();
  if (addon === null) return null;
  const fd = fdOf(socket);
  const localAddress = socket.localAddress;
  const localPort = socket.localPort;
  if (fd === null || localAddress === undefined || localPort === undefined) return null;
  const family = socket.localFamily === 'IPv6' && mappedIPv4(localAddress) === null ? 6 : 4;
  let dst: { address: string; port: number } | null;
  try {
    dst = addon.getOriginalDst(fd, family);
  } catch {
    return null;
  }
  if (dst === null) return null;
  if (dst.port === localPort && sameAddress(dst.address, localAddress)) return null;
  return { address: dst.address, port: dst.port };
}

/** libuv exposes the descriptor on the handle; there is no public API for it. */
function fdOf(socket: net.Socket): number | null {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : null;
}

function sameAddress(a: string, b: string): boolean {
  return unmapIPv4(a).toLowerCase() === unmapIPv4(b).toLowerCase();
}

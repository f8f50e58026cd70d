import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A socket file descriptor from the addon, and the port it is bound to. */
export interface ReusePortSocket {
  readonly fd: number;
  readonly port: number;
}

/** The SO_REUSEPORT function of the C addon in native/ (native/reuseport.c). */
export type OpenReusePortSocket = (address: string, port: number, backlog: number | null) => ReusePortSocket;

// Same relative place from src/net/ (tsx, tests) and from dist/net/ (built package).
const ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/original_dst.node', import.meta.url));

/**
 * The addon's reusePortSocket, or null when the addon was not built (no compiler, not Linux) or is an
 * older build without it. Loaded once per call site that needs it (start-up), so no memo.
 *
 * reusePortSocket(address, port, backlog) opens a TCP socket with SO_REUSEPORT (and SO_REUSEADDR)
 * bound to a numeric address; it listens when backlog is a number and is only bound when it is null.
 * It throws an Error whose `code` is the errno name (EADDRINUSE, EACCES, ...).
 */
export function loadReusePortSocket(): OpenReusePortSocket | null {
  try {
    const mod = createRequire(import.meta.url)(ADDON_PATH) as { reusePortSocket?: unknown };
    return typeof mod.reusePortSocket === 'function' ? (mod.reusePortSocket as OpenReusePortSocket) : null;
  } catch {
    return null;
  }
}

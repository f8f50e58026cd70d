import type { Socket } from 'node:net';
import type { SocketAddress } from '../egress-request.js';

/** What a transparent listener needs beyond the shared limits. */
export interface TransparentOptions {
  readonly readOriginalDestination: (socket: Socket) => SocketAddress | null;
  readonly isOwnAddress: (address: SocketAddress) => boolean;
  /** The port the policy sees when the original destination cannot be read. */
  readonly destPort: number;
}

export interface TransparentDestination {
  readonly originalDst: SocketAddress | null;
  /** The client was redirected to egressgate while trying to reach egressgate itself. */
  readonly loop: boolean;
}

/** Original destination of a redirected connection, and whether following it would loop. */
export function readTransparentDestination(
  socket: Socket,
  options: TransparentOptions,
): TransparentDestination {
  const originalDst = readSafely(socket, options);
  // Without a redirect (tests, --connect-to) the original destination is the listener itself: no loop.
  const local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
  const redirected =
    originalDst !== null && (originalDst.address !== local.address || originalDst.port !== local.port);
  return { originalDst, loop: redirected && options.isOwnAddress(originalDst) };
}

// The addon throws on sockets it cannot read (not redirected, other platforms): that is "unknown".
function readSafely(socket: Socket, options: TransparentOptions): SocketAddress | null {
  try {
    return options.readOriginalDestination(socket);
  } catch {
    return null;
  }
}

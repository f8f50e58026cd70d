import type { Socket } from 'node:net';
import type { DenyStyle } from '../config/serve-config.js';

/** `reset` answers with a TCP RST, `drop` just closes; `forbidden` is the caller's own answer. */
export function refuseSocket(socket: Socket, style: Exclude<DenyStyle, 'forbidden'>): void {
  if (style === 'reset' && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}

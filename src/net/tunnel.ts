import type { Socket } from 'node:net';
import type { CloseReason } from './close-reason.js';
import type { NativeRelay } from './native-relay.js';

export interface TunnelOptions {
  /** Bytes already read from the client (CONNECT head, a replayed ClientHello) to send first. */
  readonly firstBytes: Buffer;
  readonly idleMs: number;
  /** The splice(2) relay to hand the sockets to; absent or unable = the JS relay below. */
  readonly native?: NativeRelay | null | undefined;
}

export interface Tunnel {
  /** Settles once both sockets are closed, with why the tunnel ended. */
  readonly done: Promise<CloseReason>;
  /** Ends the tunnel from outside (drain, reload). */
  close(reason: CloseReason): void;
  /**
   * The upstream socket's byte counters including what moved past Node (native relay); absent =
   * read them from the socket.
   */
  bytes?(): { readonly written: number; readonly read: number };
  /** Bytes as they move (native relay: every few seconds), so metrics count open tunnels too. */
  watchBytes?(onBytes: (bytesOut: number, bytesIn: number) => void): void;
}

/**
 * Splices two connected sockets with backpressure and half-close (both sockets are allowHalfOpen);
 * byte counts come from the sockets' own counters, so the hot path allocates nothing.
 *
 * Not pipe(): two pipes plus per-tunnel closures cost several KiB of heap per idle tunnel, and an
 * egress gateway holds thousands of idle tunnels. Here every listener is a module-level function
 * that finds its tunnel through the socket, so a tunnel is this one object and its promise.
 */
class SplicedTunnel implements Tunnel {
  readonly done: Promise<CloseReason>;
  reason: CloseReason | null = null;
  closed = 0;
  settle: (reason: CloseReason) => void = noop;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
  ) {
    this.done = new Promise<CloseReason>((resolve) => {
      this.settle = resolve;
    });
  }

  close(why: CloseReason): void {
    this.reason ??= why;
    this.client.destroy();
    this.upstream.destroy();
  }

  peerOf(socket: Socket): Socket {
    return socket === this.client ? this.upstream : this.client;
  }

  sideOf(socket: Socket): 'client_closed' | 'upstream_closed' {
    return socket === this.client ? 'client_closed' : 'upstream_closed';
  }
}

const tunnelOf = Symbol('egressgate.tunnel');
type Spliced = Socket & { [tunnelOf]?: SplicedTunnel | undefined };

function noop(): void {}

function relayData(this: Spliced, chunk: Buffer): void {
  const t = this[tunnelOf];
  if (t === undefined) return;
  const peer = t.peerOf(this);
  if (peer.destroyed || peer.writableEnded) return;
  // The peer's buffer is full: stop reading until it drains, as pipe() would.
  if (!peer.write(chunk)) this.pause();
}

function resumePeer(this: Spliced): void {
  const t = this[tunnelOf];
  if (t === undefined) return;
  const source = t.peerOf(this);
  if (!source.destroyed && source.isPaused()) source.resume();
}

function forwardEnd(this: Spliced): void {
  const t = this[tunnelOf];
  if (t === undefined) return;
  t.reason ??= t.sideOf(this);
  const peer = t.peerOf(this);
  if (!peer.destroyed && !peer.writableEnded) peer.end();
}

// A reset or a write into a socket the peer already closed is that side closing, not a fault.
function closeOnError(this: Spliced, err: NodeJS.ErrnoException): void {
  const t = this[tunnelOf];
  if (t === undefined) return;
  t.close(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? t.sideOf(this) : 'error');
}

function closeOnIdle(this: Spliced): void {
  this[tunnelOf]?.close('idle_timeout');
}

function countClosed(this: Spliced): void {
  const t = this[tunnelOf];
  if (t !== undefined) settleClosed(t);
}

function settleClosed(t: SplicedTunnel): void {
  t.closed++;
  t.reason ??= t.client.closed ? 'client_closed' : 'upstream_closed';
  // One side gone for good means the tunnel is over: nothing more can cross it.
  t.client.destroy();
  t.upstream.destroy();
  if (t.closed !== 2) return;
  for (const socket of [t.client, t.upstream] as Spliced[]) {
    socket.off('data', relayData);
    socket.off('drain', resumePeer);
    socket.off('end', forwardEnd);
    socket.off('timeout', closeOnIdle);
    socket[tunnelOf] = undefined;
  }
  t.settle(t.reason);
  t.settle = noop;
}

/** A native splice tunnel where the relay can take both sockets, else the JS one. */
export function tunnel(client: Socket, upstream: Socket, options: TunnelOptions): Tunnel {
  return (
    options.native?.adopt(client, upstream, options.firstBytes, options.idleMs) ??
    relayInJs(client, upstream, options)
  );
}

function relayInJs(client: Socket, upstream: Socket, options: TunnelOptions): Tunnel {
  const t = new SplicedTunnel(client, upstream);
  for (const socket of [client, upstream] as Spliced[]) {
    socket[tunnelOf] = t;
    socket.on('end', forwardEnd);
    socket.on('error', closeOnError);
    socket.on('drain', resumePeer);
  }
  for (const socket of [client, upstream]) {
    // A socket that closed while the dial was under way has already emitted its 'close'.
    if (socket.closed) settleClosed(t);
    else socket.once('close', countClosed);
  }
  client.setTimeout(options.idleMs);
  client.once('timeout', closeOnIdle);

  if (options.firstBytes.length > 0 && !upstream.destroyed) upstream.write(options.firstBytes);
  for (const socket of [client, upstream]) {
    if (socket.destroyed) continue;
    // A side that already sent its EOF (a client that wrote its hello and ended) will not emit 'end' again.
    if (socket.readableEnded) forwardEnd.call(socket);
    socket.on('data', relayData);
    // Like pipe(): a peer still draining the replayed bytes resumes this side when it drains.
    if (t.peerOf(socket).writableNeedDrain) socket.pause();
    else socket.resume();
  }
  return t;
}

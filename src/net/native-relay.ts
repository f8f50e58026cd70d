import type { Socket } from 'node:net';
import type { CloseReason } from './close-reason.js';
import type { SpliceRelayAddon } from './load-native-addon.js';
import type { Tunnel } from './tunnel.js';

/** Which relay carries allowed tunnels: the splice(2) addon or Node streams. */
export type RelayKind = 'native' | 'js';

export interface NativeRelay {
  /**
   * Takes both sockets over: what Node already read is handed to the native side with `firstBytes`,
   * the descriptors are dup()ed and Node's sockets destroyed (the dups keep the connections open).
   * Null when a socket cannot be taken over (closed, writes still queued, no descriptor, dup failed):
   * the caller relays that tunnel in JS, with nothing read or lost.
   */
  adopt(client: Socket, upstream: Socket, firstBytes: Buffer, idleMs: number): Tunnel | null;
  /**
   * Starts the relay thread (its epoll and eventfd descriptors) ahead of the first tunnel; the error
   * when it cannot (no thread, no descriptor), after which every tunnel stays on the JS relay.
   */
  start(): Error | null;
  /** Closes every native tunnel (`drained` unless another reason came first) and stops the thread. */
  stop(): void;
}

// Codes shared with splice_relay.c: 1..4 are reasons the native side finds itself.
const reasons: readonly CloseReason[] = [
  'client_closed',
  'upstream_closed',
  'idle_timeout',
  'error',
  'drained',
  'denied',
  'dial_error',
];
const EV_PROGRESS = 1;
const EV_CLOSE = 2;

type Counts = { readonly written: number; readonly read: number };

/** All that is left in JS of an idle native tunnel: this object and its promise. */
class NativeTunnel implements Tunnel {
  readonly done: Promise<CloseReason>;
  settle: (reason: CloseReason) => void = noop;
  onBytes: ((bytesOut: number, bytesIn: number) => void) | null = null;
  ended = false;
  // Bytes the native side moved (upstream written, upstream read), as reported so far.
  movedOut = 0;
  movedIn = 0;

  constructor(
    readonly relay: SpliceRelay,
    readonly id: number,
    // The upstream socket's counters at the takeover; the native counts are added to them.
    readonly baseWritten: number,
    readonly baseRead: number,
  ) {
    this.done = new Promise<CloseReason>((resolve) => {
      this.settle = resolve;
    });
  }

  close(reason: CloseReason): void {
    if (!this.ended) this.relay.closeTunnel(this.id, reason);
  }

  bytes(): Counts {
    return { written: this.baseWritten + this.movedOut, read: this.baseRead + this.movedIn };
  }

  watchBytes(onBytes: (bytesOut: number, bytesIn: number) => void): void {
    this.onBytes = onBytes;
  }
}

function noop(): void {}

/** Takes Node's buffered bytes out of a paused socket, so they can go to the native side first. */
function takeBuffered(socket: Socket): Buffer[] {
  const parts: Buffer[] = [];
  for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null)
    parts.push(chunk);
  return parts;
}

/** libuv exposes the descriptor on the handle; there is no public API for it. */
function fdOf(socket: Socket): number | null {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : null;
}

function canAdopt(socket: Socket): boolean {
  // Queued writes live in Node's buffers and libuv's queue; handing those over is not worth it
  // (a 200 line or a replayed hello is flushed at once in practice), so such a tunnel stays in JS.
  return (
    !socket.destroyed &&
    !socket.closed &&
    !socket.writableEnded &&
    socket.writableLength === 0 &&
    !socket.connecting &&
    fdOf(socket) !== null
  );
}

class SpliceRelay implements NativeRelay {
  private engine: object | null = null;
  private stopped = false;
  private readonly tunnels = new Map<number, NativeTunnel>();

  constructor(
    private readonly addon: SpliceRelayAddon,
    private readonly progressMs: number,
  ) {}

  start(): Error | null {
    if (this.engine !== null || this.stopped) return null;
    try {
      this.engine = this.addon.relayCreate((records) => this.onEvents(records), this.progressMs);
      return null;
    } catch (err) {
      this.stopped = true;
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  adopt(client: Socket, upstream: Socket, firstBytes: Buffer, idleMs: number): Tunnel | null {
    if (this.stopped || !canAdopt(client) || !canAdopt(upstream)) return null;
    if (this.engine === null && this.start() !== null) return null;
    const engine = this.engine as object;
    client.pause();
    upstream.pause();
    const fromClient = takeBuffered(client);
    const fromUpstream = takeBuffered(upstream);
    const toUpstream = Buffer.concat([firstBytes, ...fromClient]);
    const toClient = Buffer.concat(fromUpstream);
    let id: number;
    try {
      id = this.addon.relayAdd(
        engine,
        fdOf(client) as number,
        fdOf(upstream) as number,
        idleMs,
        toUpstream.length > 0 ? toUpstream : null,
        toClient.length > 0 ? toClient : null,
      );
    } catch {
      // No descriptor left to dup (EMFILE): put the bytes back, the JS relay takes the tunnel.
      for (const chunk of fromClient.reverse()) client.unshift(chunk);
      for (const chunk of fromUpstream.reverse()) upstream.unshift(chunk);
      return null;
    }
    const t = new NativeTunnel(this, id, upstream.bytesWritten, upstream.bytesRead);
    if (this.tunnels.size === 0) this.addon.relayRef(engine);
    this.tunnels.set(id, t);
    // The dups hold the connections: destroy() only closes Node's descriptors (it never calls
    // shutdown()), and libuv takes them out of its epoll set before closing them.
    client.destroy();
    upstream.destroy();
    return t;
  }

  closeTunnel(id: number, reason: CloseReason): void {
    if (this.engine !== null) this.addon.relayClose(this.engine, id, reasons.indexOf(reason) + 1);
  }

  stop(): void {
    this.stopped = true;
    // Joins the thread after it closed every tunnel; their close records still reach onEvents.
    if (this.engine !== null) this.addon.relayDestroy(this.engine);
  }

  private onEvents(records: Float64Array): void {
    for (let i = 0; i + 4 < records.length; i += 5) {
      const t = this.tunnels.get(records[i + 1] as number);
      if (t === undefined) continue;
      const out = records[i + 2] as number;
      const inn = records[i + 3] as number;
      if (records[i] === EV_PROGRESS) {
        t.movedOut += out;
        t.movedIn += inn;
        t.onBytes?.(out, inn);
      } else if (records[i] === EV_CLOSE) {
        this.tunnels.delete(t.id);
        if (this.tunnels.size === 0 && this.engine !== null && !this.stopped)
          this.addon.relayUnref(this.engine);
        // Close records carry totals; the progress already reported is part of them.
        t.movedOut = out;
        t.movedIn = inn;
        t.ended = true;
        t.settle(reasons[(records[i + 4] as number) - 1] ?? 'error');
      }
    }
  }
}

export function createNativeRelay(
  addon: SpliceRelayAddon,
  options: { progressMs?: number } = {},
): NativeRelay {
  return new SpliceRelay(addon, options.progressMs ?? 5_000);
}

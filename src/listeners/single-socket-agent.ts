import { Agent, type ClientRequestArgs } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Hands http-proxy the connection handleEgress already dialed to the checked address, so the
 * forward never resolves or connects on its own (no second lookup, no DNS rebinding).
 */
export class SingleSocketAgent extends Agent {
  constructor(private readonly socket: Socket) {
    super({ keepAlive: false, maxSockets: 1 });
  }

  override createConnection(
    _options: ClientRequestArgs,
    _callback?: (err: Error | null, s: Duplex) => void,
  ): Duplex {
    return this.socket;
  }
}

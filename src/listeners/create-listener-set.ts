import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ListenAddress, TransparentListenAddress } from '../config/parse-listen-address.js';
import type { SocketAddress } from '../egress-request.js';
import { closeServer, listenServer } from '../net/listen-server.js';
import type { ActiveConnections } from '../proxy/active-connections.js';
import type { EgressContext } from '../proxy/egress-context.js';
import { createOwnAddressTest } from '../proxy/own-addresses.js';
import { createExplicitListener } from './create-explicit-listener.js';
import { createTransparentHttpListener } from './create-transparent-http-listener.js';
import { createTransparentTcpListener } from './create-transparent-tcp-listener.js';
import { createTransparentTlsListener } from './create-transparent-tls-listener.js';
import type { ListenerOptions } from './listener-options.js';

export interface ListenerSetDeps {
  readonly logger: Pick<Logger, 'error'>;
  /** The connections the listeners hand to handleEgress: close() drains them. */
  readonly active: ActiveConnections;
  /** Ports this gateway serves from another process: own addresses from the start. */
  readonly ownAddresses?: readonly SocketAddress[] | undefined;
  /** A listening socket per listener (a worker's SO_REUSEPORT socket); absent = bind host:port. */
  readonly listenFd?: ((address: ListenAddress) => number) | undefined;
}

/** Which listeners to open. */
export interface ListenerSpecs {
  readonly listen: ListenAddress;
  readonly transparentTls: readonly TransparentListenAddress[];
  readonly transparentHttp: readonly TransparentListenAddress[];
  readonly transparentTcp: readonly ListenAddress[];
  /** transparent-tcp: how long to wait for a client's first bytes. */
  readonly peekTimeoutMs: number;
  /** SO_ORIGINAL_DST of a redirected socket (null where a socket has none). */
  readonly readOriginalDestination: (socket: Socket) => SocketAddress | null;
}

export interface ListenerAddresses {
  readonly listen: AddressInfo;
  readonly transparentTls: readonly AddressInfo[];
  readonly transparentHttp: readonly AddressInfo[];
  readonly transparentTcp: readonly AddressInfo[];
}

export interface CloseOptions {
  /** Also cut connections the servers still hold (idle keep-alive) at once. */
  readonly force: boolean;
  /** How long open connections get to finish before the rest are closed as `drained`. */
  readonly timeoutMs: number;
}

/** Every proxy listener of one app, the sockets they accepted, and the addresses that are its own. */
export interface ListenerSet {
  /**
   * Whether an address is one of this gateway's own ports (a loop): its listeners, ports added with
   * addOwnAddress, and the ownAddresses it was given. Addresses bound later count too.
   */
  readonly isOwnAddress: (address: SocketAddress) => boolean;
  open(ctx: EgressContext, options: ListenerOptions, specs: ListenerSpecs): Promise<ListenerAddresses>;
  /** A port served beside the listeners (the admin server). */
  addOwnAddress(address: SocketAddress): void;
  /** Stops accepting, gives open connections timeoutMs, then closes every socket left. */
  close(options: CloseOptions): Promise<void>;
}

export function createListenerSet(deps: ListenerSetDeps): ListenerSet {
  const own: SocketAddress[] = [...(deps.ownAddresses ?? [])];
  const sockets = new Set<Socket>();
  const servers: Server[] = [];

  async function bind(server: Server, host: string, port: number): Promise<AddressInfo> {
    servers.push(server);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const address = await listenServer(server, host, port, deps.listenFd?.({ host, port }));
    // After the bind, a server error is an accept failure (EMFILE under load): log it, keep serving.
    server.on('error', (err: NodeJS.ErrnoException) =>
      deps.logger.error(
        {
          event: 'listener_error',
          listen: `${address.address}:${address.port}`,
          code: err.code ?? null,
          error: err.message,
        },
        'accept failed',
      ),
    );
    own.push({ address: address.address, port: address.port });
    return address;
  }

  const isOwnAddress = createOwnAddressTest(() => own);

  return {
    isOwnAddress,

    async open(ctx, options, specs) {
      const transparent = { readOriginalDestination: specs.readOriginalDestination, isOwnAddress };
      const listen = await bind(createExplicitListener(ctx, options), specs.listen.host, specs.listen.port);
      const transparentTls: AddressInfo[] = [];
      for (const l of specs.transparentTls) {
        const server = createTransparentTlsListener(ctx, options, { ...transparent, destPort: l.destPort });
        transparentTls.push(await bind(server, l.host, l.port));
      }
      const transparentHttp: AddressInfo[] = [];
      for (const l of specs.transparentHttp) {
        const server = createTransparentHttpListener(ctx, options, { ...transparent, destPort: l.destPort });
        transparentHttp.push(await bind(server, l.host, l.port));
      }
      const transparentTcp: AddressInfo[] = [];
      for (const l of specs.transparentTcp) {
        const server = createTransparentTcpListener(ctx, options, {
          ...transparent,
          destPort: l.port,
          peekTimeoutMs: specs.peekTimeoutMs,
        });
        transparentTcp.push(await bind(server, l.host, l.port));
      }
      return { listen, transparentTls, transparentHttp, transparentTcp };
    },

    addOwnAddress(address) {
      own.push({ address: address.address, port: address.port });
    },

    async close({ force, timeoutMs }) {
      // server.close() settles only once every connection is gone, so it is not awaited first.
      const closing = servers.map((server) => closeServer(server, force));
      await deps.active.drain(timeoutMs, 'drained');
      for (const socket of sockets) socket.destroy();
      await Promise.all(closing);
    },
  };
}

import { promises as dns, type LookupAddress } from 'node:dns';
import { connect, isIP, type BlockList, type Socket } from 'node:net';
import type { SocketAddress } from '../egress-request.js';
import { isCustomerDialable, isDialable } from './classify-address.js';
import { applyConnectTo, type ConnectToRule } from './connect-to.js';
import { connectViaProxy } from './connect-via-proxy.js';
import { DialError, toDialError } from './dial-error.js';
import type { HostPort } from './parse-host-port.js';

export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface DialerOptions {
  readonly resolver: Resolver;
  readonly connectTo: readonly ConnectToRule[];
  readonly upstreamProxy: HostPort | null;
  readonly connectTimeoutMs: number;
  /** True for egressgate's own listening addresses: dialing them would loop. */
  readonly isOwnAddress: (address: SocketAddress) => boolean;
}

/** Where a checked target will actually be dialed: resolved once, so nothing is looked up twice. */
export interface DialPlan {
  readonly target: HostPort;
  readonly port: number;
  /** Addresses to try in order; through an upstream proxy, the single name the parent resolves. */
  readonly addresses: readonly string[];
  readonly viaProxy: HostPort | null;
}

export interface DialRefusal {
  readonly refused: 'private_address' | 'loop';
  readonly detail: string;
  /**
   * private_address only: where the connection would go if private space were allowed (never
   * metadata, unspecified, multicast or loopback). Report mode carries the connection there.
   */
  readonly relaxed: DialPlan | null;
}

export interface Connection {
  readonly socket: Socket;
  readonly dialed: SocketAddress;
  /** Bytes of the parent-proxy CONNECT exchange, to leave out of the tunnel counts. */
  readonly handshake: { readonly written: number; readonly read: number };
}

export interface Dialer {
  /**
   * Resolves once and keeps only addresses that may be dialed: public ones, and non-public ones
   * inside a CIDR a policy rule names (`allowedCidrs`), and with `privateOk` (a customer-owned
   * destination) any address isCustomerDialable accepts.
   */
  plan(
    target: HostPort,
    allowedCidrs: BlockList | null,
    privateOk?: boolean,
  ): Promise<DialPlan | DialRefusal>;
  connect(plan: DialPlan): Promise<Connection>;
}

function connectOnce(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true, noDelay: true, keepAlive: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new DialError('connection_timeout', `connect to ${host}:${port} timed out after ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    // Stays attached after connect: an error before the tunnel takes over just closes the socket.
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(toDialError(err));
    });
  });
}

export function createDialer(options: DialerOptions): Dialer {
  const { resolver, connectTo, upstreamProxy, connectTimeoutMs, isOwnAddress } = options;

  async function resolve(host: string): Promise<string[]> {
    if (isIP(host) !== 0) return [host];
    let timer: NodeJS.Timeout | undefined;
    // A resolver that never answers must not hold the client (and its connection slot) forever.
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DialError('connection_timeout', `${host}: DNS lookup timed out after ${connectTimeoutMs} ms`),
          ),
        connectTimeoutMs,
      );
    });
    try {
      const found = await Promise.race([resolver(host), timeout]);
      if (found.length === 0) throw new DialError('dns_error', `${host}: no addresses`);
      return found.map((a) => a.address);
    } catch (err) {
      const dialError = toDialError(err);
      throw dialError.code === 'proxy_internal_error'
        ? new DialError('dns_error', dialError.message)
        : dialError;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async plan(target, allowedCidrs, privateOk = false) {
      const dialable = (ip: string): boolean =>
        isDialable(ip, allowedCidrs) || (privateOk && isCustomerDialable(ip));
      const mapped = applyConnectTo(connectTo, target);
      const destination = mapped ?? target;
      if (upstreamProxy !== null) {
        // The parent resolves names; an address literal is checked here, as it would be if dialed.
        const viaParent = {
          target,
          port: destination.port,
          addresses: [destination.host],
          viaProxy: upstreamProxy,
        };
        const literal = mapped === null && isIP(destination.host) !== 0;
        if (literal && isOwnAddress({ address: destination.host, port: destination.port })) {
          return {
            refused: 'loop',
            detail: `${destination.host}:${destination.port} is egressgate itself`,
            relaxed: null,
          };
        }
        if (literal && !dialable(destination.host)) {
          return {
            refused: 'private_address',
            detail: `${target.host} is a non-public address`,
            relaxed: isCustomerDialable(destination.host) ? viaParent : null,
          };
        }
        return viaParent;
      }
      // An address literal (every connect-to mapping) needs no lookup, nor an async frame for one.
      const resolved = isIP(destination.host) !== 0 ? [destination.host] : await resolve(destination.host);
      const notLooping = resolved.filter((address) => !isOwnAddress({ address, port: destination.port }));
      if (notLooping.length === 0) {
        return {
          refused: 'loop',
          detail: `${destination.host}:${destination.port} is egressgate itself`,
          relaxed: null,
        };
      }
      // An explicit --connect-to mapping is the operator's own choice of address; nothing else is exempt.
      const permitted = mapped !== null ? notLooping : notLooping.filter(dialable);
      if (permitted.length === 0) {
        const relaxed = notLooping.filter(isCustomerDialable);
        return {
          refused: 'private_address',
          detail: `${target.host} resolves to non-public ${notLooping.join(', ')}`,
          relaxed:
            relaxed.length === 0
              ? null
              : { target, port: destination.port, addresses: relaxed, viaProxy: null },
        };
      }
      return { target, port: destination.port, addresses: permitted, viaProxy: null };
    },

    async connect(plan) {
      if (plan.viaProxy !== null) {
        const socket = await connectOnce(plan.viaProxy.host, plan.viaProxy.port, connectTimeoutMs);
        try {
          const handshake = await connectViaProxy(socket, { host: plan.addresses[0] ?? '', port: plan.port });
          return { socket, dialed: { address: plan.viaProxy.host, port: plan.viaProxy.port }, handshake };
        } catch (err) {
          socket.destroy();
          throw toDialError(err);
        }
      }
      const deadline = Date.now() + connectTimeoutMs;
      // Built only on failure: an Error captures a stack trace, too costly for every connection.
      let lastError: DialError | null = null;
      for (const address of plan.addresses) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        try {
          const socket = await connectOnce(address, plan.port, remaining);
          return { socket, dialed: { address, port: plan.port }, handshake: { written: 0, read: 0 } };
        } catch (err) {
          lastError = toDialError(err);
        }
      }
      throw (
        lastError ?? new DialError('connection_timeout', `no address answered within ${connectTimeoutMs} ms`)
      );
    },
  };
}

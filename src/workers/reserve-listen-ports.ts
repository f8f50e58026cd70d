import { lookup } from 'node:dns/promises';
import { closeSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ListenAddress } from '../config/parse-listen-address.js';
import type { ServeSettings } from '../config/serve-settings.js';
import type { OpenReusePortSocket } from '../net/reuse-port-socket.js';

export interface ReservedPorts {
  /** The settings with every listener's host numeric and its port concrete (port 0 resolved). */
  readonly settings: ServeSettings;
  /** Closes the port-holding sockets (after the workers have stopped). */
  release(): void;
}

/**
 * The primary binds each proxy listener's address once with SO_REUSEPORT and never listens on it.
 * That resolves port 0 and `localhost` once for all workers, reports a taken port before any worker
 * starts, and keeps the port bound while a worker restarts. A bound socket that does not listen is
 * never offered a connection, so the kernel spreads connections over the workers' sockets only.
 */
export async function reserveListenPorts(
  settings: ServeSettings,
  open: OpenReusePortSocket,
): Promise<ReservedPorts> {
  const fds: number[] = [];
  const release = (): void => {
    for (const fd of fds.splice(0)) closeSync(fd);
  };
  const reserve = async <T extends ListenAddress>(address: T): Promise<T> => {
    // Node's listen() resolves a name the same way: the first address of a lookup.
    const host = isIP(address.host) !== 0 ? address.host : (await lookup(address.host)).address;
    try {
      const socket = open(host, address.port, null);
      fds.push(socket.fd);
      return { ...address, host, port: socket.port };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw Object.assign(new Error(`cannot listen on ${host}:${address.port}: ${e.message}`), {
        code: e.code,
      });
    }
  };
  try {
    const listen = await reserve(settings.listen);
    const transparentTls = [];
    for (const l of settings.transparentTls) transparentTls.push(await reserve(l));
    const transparentHttp = [];
    for (const l of settings.transparentHttp) transparentHttp.push(await reserve(l));
    const transparentTcp = [];
    for (const l of settings.transparentTcp) transparentTcp.push(await reserve(l));
    return { settings: { ...settings, listen, transparentTls, transparentHttp, transparentTcp }, release };
  } catch (err) {
    release();
    throw err;
  }
}

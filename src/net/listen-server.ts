import type { AddressInfo, Server } from 'node:net';

/**
 * Binds a server; resolves with the bound address (port 0 gets a free port). With `fd`, it listens on
 * that already bound socket instead (a worker's SO_REUSEPORT socket); host and port are then only
 * what the socket was bound to.
 */
export function listenServer(server: Server, host: string, port: number, fd?: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    if (fd === undefined) server.listen(port, host, onListening);
    else server.listen({ fd }, onListening);
  });
}

/** Stops accepting; with `force`, also cuts the connections still open. */
export function closeServer(server: Server, force: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    if (force && 'closeAllConnections' in server && typeof server.closeAllConnections === 'function') {
      (server.closeAllConnections as () => void).call(server);
    }
  });
}

import type { AddressInfo, Server } from 'node:net';

/** Binds a server; resolves with the bound address (port 0 gets a free port). */
export function listenServer(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
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

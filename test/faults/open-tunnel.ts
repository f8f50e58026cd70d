import { connect, type Socket } from 'node:net';

export interface TunnelAnswer {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The connection, still open after a 200 (the tunnel), or already closing after a refusal. */
  readonly socket: Socket;
}

/**
 * Sends `CONNECT target` on a fresh connection (from `localAddress`, e.g. 127.0.0.2, when given) and resolves once the response head has arrived
 * (status 0 when the proxy closed without answering).
 */
export function openTunnel(proxyPort: number, target: string, localAddress?: string): Promise<TunnelAnswer> {
  return new Promise((resolve, reject) => {
    const from = localAddress === undefined ? {} : { localAddress };
    const socket = connect({ host: '127.0.0.1', port: proxyPort, ...from }, () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    let buffered = Buffer.alloc(0);
    const finish = (): void => {
      socket.off('data', onData);
      const text = buffered.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...fields] = (end < 0 ? text : text.slice(0, end)).split('\r\n');
      const headers: Record<string, string> = {};
      for (const f of fields) {
        const colon = f.indexOf(':');
        if (colon > 0) headers[f.slice(0, colon).toLowerCase()] = f.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, socket });
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.includes('\r\n\r\n')) finish();
    };
    socket.on('data', onData);
    socket.once('close', finish);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? finish() : reject(err)));
  });
}

/** Writes `data` into an open tunnel and resolves with the first chunk that comes back. */
export function roundTrip(socket: Socket, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    socket.once('error', reject);
    socket.write(data);
  });
}

/** Resolves once the socket is closed (by either side). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

import { connect, type Socket } from 'node:net';

export interface TunnelAnswer {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The connection, still open after a 200 (the tunnel), or already closing after a refusal. */
  readonly socket: Socket;
  /** Writes `text` into the tunnel and resolves with as many bytes back (an echo upstream). */
  roundTrip(text: string): Promise<string>;
}

/**
 * Sends `CONNECT target` (with `headers`, e.g. Proxy-Authorization) to the explicit listener on
 * 127.0.0.1 on a fresh connection (from `localAddress`, e.g. 127.0.0.2, when given) and resolves once the response head has arrived
 * (status 0 when the proxy closed or reset without answering).
 */
export function openTunnel(
  proxyPort: number,
  target: string,
  options: { readonly localAddress?: string; readonly headers?: Readonly<Record<string, string>> } = {},
): Promise<TunnelAnswer> {
  return new Promise((resolve, reject) => {
    const from = options.localAddress === undefined ? {} : { localAddress: options.localAddress };
    const fields = Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
    const socket = connect({ host: '127.0.0.1', port: proxyPort, ...from }, () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${fields.join('')}\r\n`),
    );
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      socket.off('data', onData);
      const end = buffered.indexOf('\r\n\r\n');
      const head = (end < 0 ? buffered : buffered.subarray(0, end)).toString('latin1');
      const [statusLine = '', ...fields] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const f of fields) {
        const colon = f.indexOf(':');
        if (colon > 0) headers[f.slice(0, colon).toLowerCase()] = f.slice(colon + 1).trim();
      }
      if (end >= 0 && buffered.length > end + 4) {
        // Bytes the upstream sent right behind the 200: back in front, and the socket waits for a
        // reader as Node's http client leaves a CONNECT socket. Otherwise it stays flowing, so a
        // caller that only waits for the close still sees the end of a refused connection.
        (socket as { readableFlowing: boolean | null }).readableFlowing = null;
        socket.unshift(buffered.subarray(end + 4));
      }
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        headers,
        socket,
        roundTrip: (text) => roundTrip(socket, text),
      });
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

/** Writes `text` into an open tunnel and resolves with as many bytes as came back (an echo upstream). */
export function roundTrip(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer): void => {
      got += chunk.toString();
      if (got.length < text.length) return;
      cleanup();
      resolve(got);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error(`tunnel closed after ${got.length} of ${text.length} bytes: ${JSON.stringify(got)}`));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
    socket.write(text);
  });
}

/** Resolves once the socket is closed (by either side). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Status of a CONNECT, with the connection closed again at once (an allowed tunnel leaves nothing open for a later drain). */
export async function connectStatus(proxyPort: number, target: string): Promise<number> {
  const t = await openTunnel(proxyPort, target);
  t.socket.destroy();
  return t.status;
}

/** Whether a TCP connection to 127.0.0.1:port is refused (nothing listens there any more). */
export function isRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

import type { Socket } from 'node:net';

/**
 * Answers on a socket that no ServerResponse owns (CONNECT, upgrade, parse errors) and ends it.
 * The body is short text; the connection never carries another request.
 */
export function writeRawResponse(
  socket: Socket,
  status: number,
  statusText: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${status} ${statusText}`];
  for (const [name, value] of Object.entries({
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  })) {
    lines.push(`${name}: ${value}`);
  }
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  // A client that never reads its answer must not keep the socket alive.
  socket.setTimeout(5_000, () => socket.destroy());
}

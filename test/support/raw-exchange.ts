import { connect } from 'node:net';

/** Writes `data` to 127.0.0.1:port and collects everything until the server closes. */
export function rawExchange(port: number, data: string | Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write(data));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks)) : reject(err),
    );
    socket.setTimeout(10_000, () => socket.destroy(new Error('rawExchange timed out')));
  });
}

/** Status code, headers (lower-case names) and body of a raw HTTP/1.1 response. */
export function parseRawResponse(raw: Buffer): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine = '', ...fields] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon > 0) headers[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: end < 0 ? '' : text.slice(end + 4) };
}

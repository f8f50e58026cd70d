import net from 'node:net';
import tls from 'node:tls';

/**
 * Returns the first TLS record a real Node TLS client sends for `servername`: a genuine ClientHello, so
 * the SNI parsers under test see what production clients send rather than a hand-made minimum.
 */
export async function captureClientHello(servername: string): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    const record = new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (socket) => {
        let buffered = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          if (buffered.length < 5) return;
          const total = 5 + buffered.readUInt16BE(3);
          if (buffered.length < total) return;
          socket.destroy();
          resolve(buffered.subarray(0, total));
        });
        socket.on('error', reject);
      });
    });
    const client = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    client.on('error', () => undefined);
    const hello = await record;
    client.destroy();
    if (hello[0] !== 0x16) throw new Error('captured record is not a TLS handshake');
    return hello;
  } finally {
    server.close();
  }
}

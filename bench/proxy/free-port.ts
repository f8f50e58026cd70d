import net from 'node:net';

/**
 * squid and haproxy need a concrete port in their config: bind port 0, read what the kernel chose, release
 * it. The short race with other processes is acceptable for a benchmark; a clash fails loudly at startup.
 */
export async function pickFreePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until something accepts on 127.0.0.1:port: squid and haproxy have no readiness signal we can read. */
export async function waitForPort(port: number, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tryConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`${what} did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

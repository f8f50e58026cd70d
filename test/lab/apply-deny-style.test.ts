import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { applyDenyStyle } from '../../src/proxy/apply-deny-style.js';

let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
  server = null;
});

interface ClientView {
  readonly bytes: number;
  readonly error: string | null;
  readonly ms: number;
}

/** A real TCP pair: the server side reads `first` bytes (what a listener needs), then denies. */
function denyAfterFirstBytes(
  deny: (socket: Socket) => void,
  afterDenial: string,
): Promise<{ client: ClientView; serverRead: () => number }> {
  let serverSocket: Socket | null = null;
  return new Promise((resolve) => {
    server = createServer((socket) => {
      serverSocket = socket;
      socket.once('data', () => {
        socket.pause();
        deny(socket);
        client.write(afterDenial);
      });
    });
    let client: Socket;
    server.listen(0, '127.0.0.1', () => {
      const started = performance.now();
      let bytes = 0;
      let error: string | null = null;
      client = connect({ host: '127.0.0.1', port: (server?.address() as AddressInfo).port }, () =>
        client.write('CONNECT denied.example.test:443 HTTP/1.1\r\n\r\n'),
      );
      client.on('data', (c: Buffer) => (bytes += c.length));
      client.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
      client.on('close', () =>
        resolve({
          client: { bytes, error, ms: performance.now() - started },
          serverRead: () => serverSocket?.bytesRead ?? -1,
        }),
      );
    });
  });
}

describe('applyDenyStyle', () => {
  it('forbidden runs the listener’s own answer', async () => {
    const { client } = await denyAfterFirstBytes(
      (s) =>
        applyDenyStyle(s, 'forbidden', () => s.end('HTTP/1.1 403 Forbidden\r\n\r\n'), { holdMs: 10_000 }),
      '',
    );
    expect(client.bytes).toBe('HTTP/1.1 403 Forbidden\r\n\r\n'.length);
    expect(client.error).toBeNull();
  });

  it('reset sends a TCP RST', async () => {
    const { client } = await denyAfterFirstBytes(
      (s) => applyDenyStyle(s, 'reset', () => undefined, { holdMs: 10_000 }),
      '',
    );
    expect(client.error).toBe('ECONNRESET');
    expect(client.bytes).toBe(0);
  });

  it('drop says nothing, discards what follows, and closes only after holdMs', async () => {
    let forbiddenCalled = false;
    const upload = 'x'.repeat(1024 * 1024);
    const { client, serverRead } = await denyAfterFirstBytes(
      (s) => applyDenyStyle(s, 'drop', () => (forbiddenCalled = true), { holdMs: 400 }),
      upload,
    );
    expect(forbiddenCalled).toBe(false);
    expect(client.bytes).toBe(0);
    // Closed, not answered, and not before the hold ends.
    expect(client.ms).toBeGreaterThanOrEqual(380);
    // Everything the client sent was read (and thrown away), so nothing clogs the kernel buffers.
    expect(serverRead()).toBeGreaterThanOrEqual(upload.length);
  });

  it('drop lets go as soon as the client leaves', async () => {
    const served = new Promise<Socket>((resolve) => {
      server = createServer((socket) => {
        socket.once('data', () => {
          socket.pause();
          applyDenyStyle(socket, 'drop', () => undefined, { holdMs: 60_000 });
          resolve(socket);
        });
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const client = connect({ host: '127.0.0.1', port: (server?.address() as AddressInfo).port }, () =>
      client.write('CONNECT denied.example.test:443 HTTP/1.1\r\n\r\n'),
    );
    const held = await served;
    const started = performance.now();
    const closed = new Promise<void>((resolve) => held.once('close', () => resolve()));
    client.end();
    await closed;
    // Far below the 60 s hold: the FIN ended it.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('falls back to the listener’s answer on a socket that is already gone', () => {
    const socket = connect({ host: '127.0.0.1', port: 9 });
    socket.on('error', () => undefined);
    socket.destroy();
    let called = false;
    applyDenyStyle(socket, 'reset', () => (called = true), { holdMs: 10 });
    expect(called).toBe(true);
  });
});

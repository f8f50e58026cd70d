import { closeSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadReusePortSocket, type OpenReusePortSocket } from '../../src/net/reuse-port-socket.js';
import { reusePortUnavailableReason } from '../workers/workers-fixture.js';

const unavailable = reusePortUnavailableReason();
const servers: Server[] = [];
const fds: number[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  for (const fd of fds.splice(0)) closeSync(fd);
});

function open(): OpenReusePortSocket {
  const fn = loadReusePortSocket();
  if (fn === null) throw new Error('addon without reusePortSocket');
  return fn;
}

/** A server on an addon socket that answers each connection with its own name. */
function serveOn(fd: number, name: string): Promise<Server> {
  const server = createServer((socket) => socket.end(name));
  servers.push(server);
  return new Promise((resolve) => server.listen({ fd }, () => resolve(server)));
}

function answer(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('utf8').on('data', (d: string) => (got += d));
    socket.on('close', () => resolve(got));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe.skipIf(unavailable !== null)('reusePortSocket (native addon)', () => {
  it('lets two listening sockets share a port, and the kernel gives connections to both', async () => {
    const first = open()('127.0.0.1', 0, 511);
    const second = open()('127.0.0.1', first.port, 511);
    expect(second.port).toBe(first.port);
    await serveOn(first.fd, 'one');
    await serveOn(second.fd, 'two');
    const answers = await Promise.all(Array.from({ length: 64 }, () => answer(first.port)));
    expect(new Set(answers)).toEqual(new Set(['one', 'two']));
  });

  it('a bound socket that does not listen is offered no connection; listening ones on its port get them all', async () => {
    const held = open()('127.0.0.1', 0, null);
    fds.push(held.fd);
    expect(await answer(held.port)).toBe('ECONNREFUSED');
    // A worker joins with SO_REUSEPORT and gets every connection.
    const worker = open()('127.0.0.1', held.port, 511);
    await serveOn(worker.fd, 'worker');
    const answers = await Promise.all(Array.from({ length: 16 }, () => answer(held.port)));
    expect(new Set(answers)).toEqual(new Set(['worker']));
  });

  it('reports a port held without SO_REUSEPORT as EADDRINUSE, and a host name as not an address', async () => {
    const plain = createServer();
    servers.push(plain);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const { port } = plain.address() as { port: number };
    expect(() => open()('127.0.0.1', port, 511)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    expect(() => open()('localhost', 0, 511)).toThrow(/not a numeric IP/);
    expect(() => open()('127.0.0.1', 70_000, 511)).toThrow(TypeError);
  });

  it('binds "::" dual-stack, as Node does: IPv4 clients reach it too', async () => {
    const dual = open()('::', 0, 511);
    await serveOn(dual.fd, 'dual');
    expect(await answer(dual.port)).toBe('dual');
  });
});

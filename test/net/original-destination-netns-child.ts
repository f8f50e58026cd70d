/**
 * Runs inside a network namespace created by original-destination.test.ts (unshare --net), as
 * root: adds REDIRECT rules for 192.0.2.1:443, [2001:db8::1]:443 and 192.0.2.2:443 (to a dual-stack
 * listener) to local listeners, connects,
 * and prints one JSON line with what readOriginalDestination saw on each accepted socket.
 */
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { readOriginalDestination } from '../../src/net/original-destination.js';

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

function portOf(server: net.Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  return address.port;
}

/** Connects to host:port and resolves with what the server saw on the accepted socket. */
function probe(server: net.Server, host: string, port: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    server.once('connection', (socket: net.Socket) => {
      resolve(readOriginalDestination(socket));
      socket.destroy();
    });
    const client = net.connect(port, host);
    client.on('error', reject);
    client.on('connect', () => client.end());
  });
}

const v4 = await listen('0.0.0.0');
const v6 = await listen('::1');
const dual = await listen('::');
const iptables = (cmd: string, dst: string, port: number): void => {
  execFileSync(cmd, [
    '-t',
    'nat',
    '-A',
    'OUTPUT',
    '-p',
    'tcp',
    '-d',
    dst,
    '--dport',
    '443',
    '-j',
    'REDIRECT',
    '--to-ports',
    String(port),
  ]);
};
iptables('iptables', '192.0.2.1', portOf(v4));
iptables('ip6tables', '2001:db8::1', portOf(v6));
iptables('iptables', '192.0.2.2', portOf(dual));

const result = {
  redirectedV4: await probe(v4, '192.0.2.1', 443),
  redirectedV6: await probe(v6, '2001:db8::1', 443),
  redirectedV4ToDualStack: await probe(dual, '192.0.2.2', 443),
  directV4: await probe(v4, '127.0.0.1', portOf(v4)),
  directV4ToDualStack: await probe(dual, '127.0.0.1', portOf(dual)),
  directV6: await probe(v6, '::1', portOf(v6)),
};
process.stdout.write(JSON.stringify(result) + '\n');
v4.close();
v6.close();
dual.close();

/**
 * Reference peer: the ~20-line CONNECT proxy anyone would write with net + pipe. No policy, no logs.
 * Usage: naive-connect-proxy.ts PORT NAME:PORT=IP:PORT (the mapping stands in for DNS).
 */
import net from 'node:net';

const [portArg, mapArg = ''] = process.argv.slice(2);
const [from = '', to = ''] = mapArg.split('=');
const [toHost = '127.0.0.1', toPort = '0'] = to.split(':');

net
  .createServer((client) => {
    client.on('error', () => client.destroy());
    client.once('data', (head: Buffer) => {
      client.pause();
      const match = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1'));
      if (match?.[1] !== from) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      const upstream = net.connect({ host: toHost, port: Number(toPort), noDelay: true }, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  })
  .listen(Number(portArg), '127.0.0.1');

// Exit cleanly on SIGTERM so --cpu-prof can write its profile when the bench stops the peer.
process.on('SIGTERM', () => process.exit(0));

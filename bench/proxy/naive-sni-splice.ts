/**
 * Reference peer: a naive transparent SNI splice with net + pipe. Reads the ClientHello record, takes
 * the server_name, forwards the hello and splices. No policy, no logs, minimal validation.
 * Usage: naive-sni-splice.ts PORT SNI=IP:PORT
 */
import net from 'node:net';

const [portArg, mapArg = ''] = process.argv.slice(2);
const [sni = '', to = ''] = mapArg.split('=');
const [toHost = '127.0.0.1', toPort = '0'] = to.split(':');

net
  .createServer((client) => {
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 5 || head.length < 5 + head.readUInt16BE(3)) return;
      client.off('data', onData);
      client.pause();
      if (readServerName(head) !== sni) return void client.destroy();
      const upstream = net.connect({ host: toHost, port: Number(toPort), noDelay: true }, () => {
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    client.on('data', onData);
  })
  .listen(Number(portArg), '127.0.0.1');

/** Walks record → handshake → extensions to the first host_name entry; null when anything is off. */
function readServerName(record: Buffer): string | null {
  try {
    let at = 5 + 4 + 2 + 32; // record header, handshake header, version, random
    at += 1 + record.readUInt8(at); // session id
    at += 2 + record.readUInt16BE(at); // cipher suites
    at += 1 + record.readUInt8(at); // compression methods
    const end = at + 2 + record.readUInt16BE(at);
    at += 2;
    while (at + 4 <= end) {
      const type = record.readUInt16BE(at);
      const length = record.readUInt16BE(at + 2);
      if (type === 0) {
        const nameLength = record.readUInt16BE(at + 7);
        return record.toString('latin1', at + 9, at + 9 + nameLength);
      }
      at += 4 + length;
    }
  } catch {
    return null;
  }
  return null;
}

// Exit cleanly on SIGTERM so --cpu-prof can write its profile when the bench stops the peer.
process.on('SIGTERM', () => process.exit(0));

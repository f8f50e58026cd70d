import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * A TCP connection to 127.0.0.1:port whose writes go out in `chunkSize` pieces, each in its own
 * turn of the event loop (so in separate segments), for clients that must survive a hello split
 * across segments. The first write (the ClientHello record) can also be re-framed into several
 * TLS records of `recordSize` bytes: TLS allows a handshake message across records.
 */
export function connectChunking(port: number, chunkSize: number, recordSize?: number): Duplex {
  const socket: Socket = connect({ host: '127.0.0.1', port, noDelay: true });
  let first = true;
  const duplex = new Duplex({
    write(chunk: Buffer, _encoding, done) {
      let data = chunk;
      if (first && recordSize !== undefined && chunk[0] === 0x16) data = reframe(chunk, recordSize);
      first = false;
      void (async () => {
        for (let offset = 0; offset < data.length; offset += chunkSize) {
          socket.write(data.subarray(offset, offset + chunkSize));
          await nextTurn();
        }
        done();
      })();
    },
    final(done) {
      socket.end();
      done();
    },
    read() {
      socket.resume();
    },
    destroy(err, done) {
      socket.destroy();
      done(err);
    },
  });
  socket.on('data', (c: Buffer) => {
    if (!duplex.push(c)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}

function reframe(records: Buffer, size: number): Buffer {
  const length = records.readUInt16BE(3);
  const fragment = records.subarray(5, 5 + length);
  const out: Buffer[] = [];
  for (let offset = 0; offset < fragment.length; offset += size) {
    const part = fragment.subarray(offset, offset + size);
    const header = Buffer.from([0x16, records[1] ?? 3, records[2] ?? 1, 0, 0]);
    header.writeUInt16BE(part.length, 3);
    out.push(header, part);
  }
  return Buffer.concat([...out, records.subarray(5 + length)]);
}

/**
 * Differential tests against OpenSSL (through Node's tls module): a parser that disagrees with
 * the TLS server about the SNI would let a client pass the policy with one name and reach
 * another. Real sockets on 127.0.0.1; no handshake completes.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClientHello } from '../../src/net/parse-client-hello.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/client-hello/', import.meta.url));
const seeds = [
  'curl-http2.bin',
  'openssl-sni-alpn.bin',
  'node-tls-connect.bin',
  'openssl-fragmented.bin',
].map((f) => readFileSync(fixtureDir + f));

/** What OpenSSL's servername callback saw for one connection: the name, or null if never called. */
interface TlsView {
  readonly servername: string | null;
}

let tlsServer: tls.Server;
let tlsPort = 0;
let onServername: ((name: string) => void) | null = null;

beforeAll(async () => {
  // No certificate: every handshake fails right after the servername callback, which is all we need.
  tlsServer = tls.createServer({
    SNICallback: (name, cb) => {
      onServername?.(name);
      cb(null, undefined);
    },
  });
  tlsServer.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsPort = (tlsServer.address() as net.AddressInfo).port;
});

afterAll(() => {
  tlsServer.close();
});

/** Sends raw bytes to the OpenSSL-backed server; one connection at a time, so attribution is exact. */
function viewOfOpenSsl(bytes: Buffer): Promise<TlsView> {
  return new Promise((resolve) => {
    let servername: string | null = null;
    onServername = (name) => {
      servername = name;
    };
    const socket = net.connect(tlsPort, '127.0.0.1', () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      onServername = null;
      resolve({ servername });
    });
  });
}

/** Records the first flight of a real Node TLS client asked to send `servername`. */
async function helloFromNodeClient(servername: string): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (socket) => {
        let buf = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          if (parseClientHello(buf).status !== 'incomplete') {
            socket.destroy();
            resolve(buf);
          }
        });
      });
      const client = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
      client.on('error', () => undefined);
      client.on('close', () => reject(new Error('client closed before a complete hello')));
    });
  } finally {
    server.close();
  }
}

describe('parseClientHello agrees with OpenSSL', () => {
  it('on every captured fixture', async () => {
    for (const bytes of seeds) {
      const ours = parseClientHello(bytes);
      expect(ours.status).toBe('ok');
      if (ours.status === 'ok') expect(await viewOfOpenSsl(bytes)).toEqual({ servername: ours.sni });
    }
  });

  it('on mutated hellos: whenever we accept, OpenSSL never sees a different name', async () => {
    const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), edits, async (seed, changes) => {
        const bytes = Buffer.from(seed);
        // Bias edits towards the front, where the lengths and the SNI live.
        for (const [at, v] of changes) bytes[at % Math.min(bytes.length, 400)] = v;
        const ours = parseClientHello(bytes);
        if (ours.status !== 'ok') return;
        const theirs = await viewOfOpenSsl(bytes);
        if (theirs.servername !== null) expect(theirs.servername).toBe(ours.sni);
      }),
      { numRuns: 150 },
    );
  });

  it('on random names sent by a real Node TLS client', async () => {
    await fc.assert(
      fc.asyncProperty(fc.domain(), async (name) => {
        const bytes = await helloFromNodeClient(name);
        expect(parseClientHello(bytes)).toMatchObject({ status: 'ok', sni: name, ech: false });
      }),
      { numRuns: 40 },
    );
  });
});

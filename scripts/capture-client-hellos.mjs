#!/usr/bin/env node
// Captures real ClientHellos from curl, openssl s_client and Node's tls.connect into
// test/fixtures/client-hello/*.bin. Run once by hand (`node scripts/capture-client-hellos.mjs`);
// the .bin files are committed. Every client talks only to a raw TCP server on 127.0.0.1:0
// that records the first bytes and then closes, so no handshake ever completes.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import console from 'node:console';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'client-hello');

/** True once the buffered handshake records hold the whole handshake message they announce. */
function holdsWholeHello(buf) {
  let pos = 0;
  const fragments = [];
  while (pos + 5 <= buf.length && buf[pos] === 0x16) {
    const end = pos + 5 + buf.readUInt16BE(pos + 3);
    if (end > buf.length) return false;
    fragments.push(buf.subarray(pos + 5, end));
    pos = end;
    const hs = Buffer.concat(fragments);
    if (hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3)) return true;
  }
  return pos < buf.length && buf[pos] !== 0x16;
}

/** Starts a one-shot recorder, runs the client against it, resolves with the recorded bytes. */
async function capture(runClient) {
  const server = net.createServer();
  const recorded = new Promise((resolve, reject) => {
    server.once('connection', (socket) => {
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (holdsWholeHello(buf)) {
          socket.destroy();
          resolve(buf);
        }
      });
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no complete ClientHello within 10 s')), 10_000).unref();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const client = runClient(port);
  try {
    return await recorded;
  } finally {
    server.close();
    await client.catch(() => undefined);
  }
}

function runTool(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('exit', resolve);
    child.on('error', resolve);
  });
}

function runNode(options) {
  return new Promise((resolve) => {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

const opensslOpts = (port, extra) => ['s_client', '-connect', `127.0.0.1:${port}`, ...extra];

/** name, client, what was asked for (the test's expectation, independent of the parser). */
const cases = [
  {
    name: 'curl-http2',
    client: 'curl 7.88.1 (OpenSSL 3.0), default ALPN',
    sni: 'management.azure.com',
    alpn: ['h2', 'http/1.1'],
    run: (port) =>
      runTool('curl', [
        '-sk',
        '--max-time',
        '5',
        '--connect-to',
        `::127.0.0.1:${port}`,
        'https://management.azure.com/',
      ]),
  },
  {
    name: 'curl-tls12-http1',
    client: 'curl 7.88.1, --http1.1 --tlsv1.2 --tls-max 1.2',
    sni: 'login.microsoftonline.com',
    alpn: ['http/1.1'],
    run: (port) =>
      runTool('curl', [
        '-sk',
        '--http1.1',
        '--tlsv1.2',
        '--tls-max',
        '1.2',
        '--max-time',
        '5',
        '--connect-to',
        `::127.0.0.1:${port}`,
        'https://login.microsoftonline.com/',
      ]),
  },
  {
    name: 'openssl-sni-alpn',
    client: 'openssl s_client 3.0, -servername -alpn h2',
    sni: 'gbl.his.arc.azure.com',
    alpn: ['h2'],
    run: (port) =>
      runTool('openssl', opensslOpts(port, ['-servername', 'gbl.his.arc.azure.com', '-alpn', 'h2'])),
  },
  {
    name: 'openssl-no-sni',
    client: 'openssl s_client 3.0, -noservername',
    sni: null,
    alpn: [],
    run: (port) => runTool('openssl', opensslOpts(port, ['-noservername'])),
  },
  {
    name: 'openssl-fragmented',
    client: 'openssl s_client 3.0, -max_send_frag 512, hello padded with many groups/ALPN ids',
    sni: 'fragmented.blob.core.windows.net',
    alpn: Array.from({ length: 60 }, (_, i) => `proto-${String(i).padStart(3, '0')}-padding-padding`),
    run: (port) =>
      runTool(
        'openssl',
        opensslOpts(port, [
          '-servername',
          'fragmented.blob.core.windows.net',
          '-max_send_frag',
          '512',
          '-alpn',
          Array.from({ length: 60 }, (_, i) => `proto-${String(i).padStart(3, '0')}-padding-padding`).join(
            ',',
          ),
        ]),
      ),
  },
  {
    name: 'node-tls-connect',
    client: `Node ${process.version} tls.connect, servername + ALPNProtocols`,
    sni: 'azurestackhub.example.local',
    alpn: ['h2', 'http/1.1'],
    run: (port) =>
      runNode({
        host: '127.0.0.1',
        port,
        servername: 'azurestackhub.example.local',
        ALPNProtocols: ['h2', 'http/1.1'],
      }),
  },
  {
    name: 'node-ip-no-sni',
    client: `Node ${process.version} tls.connect to an IP literal (Node sends no SNI for IPs)`,
    sni: null,
    alpn: [],
    run: (port) => runNode({ host: '127.0.0.1', port }),
  },
];

mkdirSync(outDir, { recursive: true });
const index = [];
for (const c of cases) {
  const bytes = await capture(c.run);
  writeFileSync(join(outDir, `${c.name}.bin`), bytes);
  index.push({ file: `${c.name}.bin`, client: c.client, sni: c.sni, alpn: c.alpn, bytes: bytes.length });
  console.log(`${c.name}.bin: ${bytes.length} bytes`);
}
writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');

import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';

export interface LabServerOptions {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What every simulated endpoint answers: enough for a test to tell which endpoint it reached. */
export interface LabAnswer {
  readonly endpoint: 'egressgate-lab';
  /** The name served: the TLS SNI, or the Host header for plain HTTP. */
  readonly host: string;
  readonly sni: string | null;
  readonly hostHeader: string | null;
  readonly method: string;
  readonly path: string;
  readonly tls: boolean;
}

function hostOfHeader(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  return header
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
}

function describeRequest(req: IncomingMessage): LabAnswer {
  const socket = req.socket as Partial<TLSSocket>;
  const tls = socket.encrypted === true;
  const sni = tls && typeof socket.servername === 'string' ? socket.servername : null;
  const hostHeader = hostOfHeader(req.headers.host);
  return {
    endpoint: 'egressgate-lab',
    host: sni ?? hostHeader ?? '',
    sni,
    hostHeader,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    tls,
  };
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  const body = `${JSON.stringify(describeRequest(req))}\n`;
  // The request body is read and dropped so a POST from an agent completes like it would upstream.
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
}

/**
 * The simulated endpoints: one port that speaks HTTPS (0x16, a TLS record, first) and plain HTTP
 * (anything else), because profiles allow both on the same names. Websocket upgrades echo every
 * message (servicebus relays are websockets).
 */
export function createLabServer(options: LabServerOptions): Server {
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => ws.terminate());
  });
  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  const http = createHttpServer(answer).on('upgrade', onUpgrade);
  const https = createHttpsServer({ cert: options.certPem, key: options.keyPem }, answer).on(
    'upgrade',
    onUpgrade,
  );
  https.on('tlsClientError', (_err, socket) => socket.destroy());

  const server = createNetServer({ pauseOnConnect: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('readable', () => {
      const first: Buffer | null = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      (first[0] === 0x16 ? https : http).emit('connection', socket);
    });
  });
  server.on('close', () => {
    wss.close();
    http.close();
    https.close();
  });
  return server;
}

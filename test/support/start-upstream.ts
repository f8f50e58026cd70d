import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type Server as HttpServer,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { makeLeafCert, type TestCertificate } from './make-certs.js';

export interface Upstream {
  readonly port: number;
  /** TCP connections the server accepted: a denied target must leave this at 0. */
  connections(): number;
  /** Request headers of the last HTTP request, to check what the proxy forwarded. */
  lastHeaders(): IncomingHttpHeaders | null;
  readonly cert: TestCertificate | null;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

async function track(
  server: Server,
  cert: TestCertificate | null,
  headers: () => IncomingHttpHeaders | null,
): Promise<Upstream> {
  let connections = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    connections: () => connections,
    lastHeaders: headers,
    cert,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// Answers every request with who it is and what it was asked; websockets echo.
function attachHandlers(server: HttpServer, name: string): () => IncomingHttpHeaders | null {
  let last: IncomingHttpHeaders | null = null;
  server.on('request', (req, res) => {
    last = req.headers;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'keep-alive': 'timeout=5', 'x-upstream': name });
      res.end(`hello from ${name} ${req.method} ${req.url} body=${Buffer.concat(chunks).toString()}`);
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    last = req.headers;
    wss.handleUpgrade(req, socket, head, (ws) =>
      ws.on('message', (data, binary) => ws.send(data, { binary })),
    );
  });
  return () => last;
}

/** An HTTPS (and wss) server whose certificate, signed by the test CA, names `names`. */
export async function startHttpsUpstream(names: readonly string[]): Promise<Upstream> {
  const cert = makeLeafCert(names);
  const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem });
  const headers = attachHandlers(server, names[0] ?? 'https');
  return track(server, cert, headers);
}

/** A plain HTTP (and ws) server. */
export async function startHttpUpstream(name = 'http'): Promise<Upstream> {
  const server = createHttpServer();
  const headers = attachHandlers(server, name);
  return track(server, null, headers);
}

/** A raw TCP server; `onSocket` decides what it does with each connection. */
export async function startTcpUpstream(onSocket: (socket: Socket) => void): Promise<Upstream> {
  const server = createTcpServer({ allowHalfOpen: true }, onSocket);
  return track(server, null, () => null);
}

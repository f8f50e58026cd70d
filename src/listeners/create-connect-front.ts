import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'node:net';
import { answerHeadersTooSlow, answerMalformedRequest } from './answer-client-error.js';
import { createConnectHeadScanner, type ConnectHead } from './scan-connect-head.js';

export interface ConnectFrontOptions {
  readonly maxHeaderBytes: number;
  readonly headersTimeoutMs: number;
}

/** A CONNECT the front read itself; `rest` is what the client sent after the head (tunnel bytes). */
export type OnFastConnect = (socket: Socket, head: ConnectHead, rest: Buffer) => void;

/**
 * The explicit port's listening socket. Node's http.Server costs a CONNECT about 65 µs of CPU (parser
 * set-up, IncomingMessage, tear-down) for what is one line and a few fields, so this front reads a
 * strictly well-formed CONNECT head itself and hands every other connection, byte for byte, to the
 * HTTP server (`unshift`, then 'connection', as Node documents for injected sockets). It answers only
 * what the HTTP server would have answered the same way before seeing any byte outside the grammar:
 * 408 when a CONNECT head is still incomplete after headersTimeoutMs, 400 when the client ends one
 * half-way. A plain net.Server, so it can also listen on an inherited fd or handle.
 */
export class ConnectFront extends Server {
  readonly #http: HttpServer;

  constructor(http: HttpServer, options: ConnectFrontOptions, onConnect: OnFastConnect) {
    // The HTTP server's own socket options (Node 20 defaults), so a socket is the same either way.
    super({ allowHalfOpen: true, noDelay: true });
    this.#http = http;
    this.on('connection', (socket: Socket) => readHead(socket, http, options, onConnect));
    // The HTTP server never listens itself; its header timeouts and idle tracking start on this event.
    this.on('listening', () => http.emit('listening'));
  }

  /** Also closes the HTTP server's idle keep-alive connections, as http.Server.close() does. */
  override close(callback?: (err?: Error) => void): this {
    this.#http.close();
    return super.close(callback);
  }

  /** For a forced stop: the HTTP connections handed over (tunnels are the app's to cut). */
  closeAllConnections(): void {
    this.#http.closeAllConnections();
  }
}

function readHead(
  socket: Socket,
  http: HttpServer,
  options: ConnectFrontOptions,
  onConnect: OnFastConnect,
): void {
  const scanner = createConnectHeadScanner(options.maxHeaderBytes);
  let chunks: Buffer[] = [];
  const all = (): Buffer => {
    if (chunks.length > 1) chunks = [Buffer.concat(chunks)];
    return chunks[0] ?? Buffer.alloc(0);
  };
  const stop = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    const scan = scanner.push(chunk, all);
    if (scan === 'partial') return;
    stop();
    // As http.Server leaves a socket it hands on: not flowing until its new owner reads.
    setFlowing(socket, null);
    if (scan === 'other') {
      socket.off('error', onError);
      socket.unshift(all());
      http.emit('connection', socket);
      return;
    }
    onConnect(socket, scan, all().subarray(scan.length));
  };
  const onEnd = (): void => {
    stop();
    // What the HTTP parser does at EOF: nothing sent, nothing to answer; half a request is malformed.
    if (chunks.length === 0) socket.end();
    else answerMalformedRequest(socket);
  };
  const onError = (): void => {
    stop();
    socket.destroy();
  };
  const timer = setTimeout(() => {
    stop();
    answerHeadersTooSlow(socket);
  }, options.headersTimeoutMs);
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);
  socket.once('close', () => clearTimeout(timer));
}

/** Readable's tri-state flow flag; Node's types only expose it read-only. */
function setFlowing(socket: Socket, flowing: boolean | null): void {
  (socket as { readableFlowing: boolean | null }).readableFlowing = flowing;
}

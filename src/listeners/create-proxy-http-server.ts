import { createServer, type Server } from 'node:http';
import type { ListenerOptions } from './listener-options.js';

/**
 * The `http.Server` both HTTP-speaking listeners (explicit proxy, transparent HTTP) parse requests
 * with: one place for the limits that keep a slow or oversized head from holding a socket, and for
 * the header-count setting below.
 */
export function createProxyHttpServer(
  options: Pick<ListenerOptions, 'maxHeaderBytes' | 'headersTimeoutMs'>,
): Server {
  const server = createServer({
    maxHeaderSize: options.maxHeaderBytes,
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: 0,
    requireHostHeader: false,
    connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
    keepAliveTimeout: 5_000,
  });
  // Node keeps only the first 2000 header lines in req.headers but frames the body by all of them:
  // a Transfer-Encoding past line 2000 was never forwarded, and the body went out unframed.
  // maxHeaderBytes bounds the header section already.
  server.maxHeadersCount = 0;
  return server;
}

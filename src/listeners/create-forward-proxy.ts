import HttpProxy from 'http-proxy';
import { hopHeaderNames, stripHopHeaders } from './strip-hop-headers.js';

/**
 * One http-proxy instance per listener. Hop-by-hop fields are removed from the outgoing request
 * (not from the client's request, whose Connection field still governs the client connection)
 * and from the upstream response.
 */
export function createForwardProxy(): HttpProxy {
  const proxy = HttpProxy.createProxyServer({ xfwd: false, changeOrigin: false, ws: true });
  proxy.on('proxyReq', (proxyReq, req) => {
    for (const name of hopHeaderNames(req.headers, false)) proxyReq.removeHeader(name);
  });
  proxy.on('proxyRes', (proxyRes) => stripHopHeaders(proxyRes.headers, false));
  // Errors reach the per-request callbacks; this keeps a stray one from becoming an uncaught 'error'.
  proxy.on('error', () => undefined);
  return proxy;
}

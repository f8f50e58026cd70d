import HttpProxy from 'http-proxy';
import { hopHeaderNames, stripHopHeaders } from './strip-hop-headers.js';

/**
 * One http-proxy instance per listener, for plain HTTP (websocket upgrades: relay-websocket.ts).
 * Hop-by-hop fields are removed from the outgoing request (not from the client's request, whose
 * Connection field still governs the client connection) and from the upstream response.
 */
export function createForwardProxy(): HttpProxy {
  const proxy = HttpProxy.createProxyServer({ xfwd: false, changeOrigin: false });
  // http-proxy's deleteLength pass gives a DELETE or OPTIONS without Content-Length a
  // `Content-Length: 0` and drops its Transfer-Encoding, then streams the chunked body anyway: the
  // body went out unframed and the upstream parsed it as a second request nobody decided.
  const passes = proxy as unknown as { webPasses: { readonly name: string }[] };
  passes.webPasses = passes.webPasses.filter((pass) => pass.name !== 'deleteLength');
  proxy.on('proxyReq', (proxyReq, req) => {
    // http-proxy builds the outgoing path with url.parse and a join that collapses `//`: the
    // upstream must get the request target that was decided (the listener set req.url to it).
    proxyReq.path = req.url ?? '/';
    for (const name of hopHeaderNames(req.headers, false)) proxyReq.removeHeader(name);
  });
  proxy.on('proxyRes', (proxyRes) => stripHopHeaders(proxyRes.headers, false));
  // Errors reach the per-request callbacks; this keeps a stray one from becoming an uncaught 'error'.
  proxy.on('error', () => undefined);
  return proxy;
}

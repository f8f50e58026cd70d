import net from 'node:net';

/** How the load client reaches the upstream: straight, through a CONNECT proxy, or via an SNI router. */
export type Route =
  | { readonly kind: 'direct'; readonly port: number }
  | { readonly kind: 'connect'; readonly port: number; readonly authority: string }
  | { readonly kind: 'tls'; readonly port: number; readonly helloBase64: string };

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Resolves with a socket whose next bytes reach the upstream. For CONNECT that means after the proxy's
 * 2xx; for the SNI route the ClientHello is written first and the tunnel is usable at once, as it is for
 * a transparent proxy that forwards the hello untouched.
 */
export function openTunnel(route: Route, hello: Buffer | null): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: route.port, noDelay: true });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      if (route.kind === 'direct') return done();
      if (route.kind === 'tls') {
        if (hello === null) return fail(new Error('tls route without a ClientHello'));
        socket.write(hello);
        return done();
      }
      socket.write(`CONNECT ${route.authority} HTTP/1.1\r\nHost: ${route.authority}\r\n\r\n`);
      let head: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end < 0) {
          if (head.length > 8192) fail(new Error('CONNECT response header too long'));
          return;
        }
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!/^HTTP\/1\.[01] 2\d\d/.test(status)) return fail(new Error(`CONNECT refused: ${status}`));
        const rest = head.subarray(end + HEADER_END.length);
        if (rest.length > 0) socket.unshift(rest);
        done();
      };
      socket.on('data', onData);
    });
    function done(): void {
      socket.off('error', fail);
      resolve(socket);
    }
  });
}

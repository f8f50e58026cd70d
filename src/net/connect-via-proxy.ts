import type { Socket } from 'node:net';
import { DialError } from './dial-error.js';
import type { HostPort } from './parse-host-port.js';
import { formatHostPort } from '../address/format-host-port.js';

const maxResponseBytes = 16 * 1024;

/**
 * Asks an already connected parent proxy for a tunnel to `target`. Resolves with the number of
 * handshake bytes written and read, so the tunnel byte counts can leave them out.
 */
export function connectViaProxy(
  socket: Socket,
  target: HostPort,
): Promise<{ readonly written: number; readonly read: number }> {
  return new Promise((resolve, reject) => {
    const authority = formatHostPort(target.host, target.port);
    const request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;
    let buffered = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    const fail = (err: DialError): void => {
      cleanup();
      reject(err);
    };
    const onEnd = (): void =>
      fail(new DialError('connection_terminated', 'upstream proxy closed during CONNECT'));
    const onError = (err: Error): void => fail(new DialError('connection_terminated', err.message));
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > maxResponseBytes) {
          fail(new DialError('proxy_internal_error', 'upstream proxy response headers too large'));
        }
        return;
      }
      cleanup();
      socket.pause();
      const statusLine = buffered.subarray(0, buffered.indexOf('\r\n')).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const rest = buffered.subarray(end + 4);
      if (status !== 200) {
        const code = status === 504 ? 'connection_timeout' : 'destination_unavailable';
        reject(new DialError(code, `upstream proxy answered "${statusLine}"`));
        return;
      }
      if (rest.length > 0) socket.unshift(rest);
      resolve({ written: Buffer.byteLength(request), read: end + 4 });
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.write(request);
  });
}

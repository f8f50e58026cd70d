import type { Socket } from 'node:net';
import { writeRawResponse } from './write-raw-response.js';

/** Node's HTTP parser gave up on a request: say why in the status, then close. */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    writeRawResponse(
      socket,
      431,
      'Request Header Fields Too Large',
      'egressgate: request headers too large\n',
    );
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    writeRawResponse(socket, 408, 'Request Timeout', 'egressgate: request headers too slow\n');
  } else {
    writeRawResponse(socket, 400, 'Bad Request', 'egressgate: malformed request\n');
  }
}

import type { Socket } from 'node:net';
import { writeRawResponse } from './write-raw-response.js';

/** The header section passed maxHeaderBytes. */
export function answerHeadersTooLarge(socket: Socket): void {
  writeRawResponse(socket, 431, 'Request Header Fields Too Large', 'egressgate: request headers too large\n');
}

/** The header section was not complete within headersTimeoutMs. */
export function answerHeadersTooSlow(socket: Socket): void {
  writeRawResponse(socket, 408, 'Request Timeout', 'egressgate: request headers too slow\n');
}

/** Bytes that are no HTTP request, or a request cut short by the client's FIN. */
export function answerMalformedRequest(socket: Socket): void {
  writeRawResponse(socket, 400, 'Bad Request', 'egressgate: malformed request\n');
}

/**
 * Node's HTTP parser gave up on a request: say why in the status, then close. The explicit port's
 * CONNECT front answers the same cases with the same functions.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') answerHeadersTooLarge(socket);
  else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') answerHeadersTooSlow(socket);
  else answerMalformedRequest(socket);
}

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Reads from `socket` until `enough(buffer)` holds; rejects on close, error or timeout. */
function readUntil(socket: Socket, enough: (b: Buffer) => boolean, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const done = (err: Error | null): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (err === null) resolve(buffered);
      else reject(err);
    };
    const onData = (c: Buffer): void => {
      buffered = Buffer.concat([buffered, c]);
      if (enough(buffered)) done(null);
    };
    const onClose = (): void => done(new Error(`closed after ${buffered.length} bytes`));
    const onError = (e: Error): void => done(e);
    const timer = setTimeout(() => done(new Error('timed out')), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
  });
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const headEnd = (b: Buffer): boolean => b.includes('\r\n\r\n');
const statusOf = (b: Buffer): number => Number(b.toString('latin1', 0, 16).split(' ')[1] ?? 0);

/** CONNECT target through the gateway; resolves with the socket once the answer head arrived. */
export async function openConnect(
  gatewayPort: number,
  target: string,
): Promise<{ status: number; socket: Socket }> {
  const socket = await connected(gatewayPort);
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  try {
    const head = await readUntil(socket, headEnd);
    return { status: statusOf(head), socket };
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/** Writes `bytes` into an open tunnel to an echo server and waits for all of them to come back. */
export async function echoThrough(socket: Socket, bytes: Buffer): Promise<void> {
  socket.write(bytes);
  await readUntil(socket, (b) => b.length >= bytes.length);
}

/** An allowed tunnel: CONNECT, 1 KiB echoed, close. */
export async function allowedTunnel(gatewayPort: number): Promise<void> {
  const { status, socket } = await openConnect(gatewayPort, 'allowed.soak.test:443');
  try {
    if (status !== 200) throw new Error(`allowed CONNECT answered ${status}`);
    await echoThrough(socket, randomBytes(1024));
  } finally {
    socket.destroy();
  }
}

/** A denied CONNECT: must be a 403. */
export async function deniedConnect(gatewayPort: number): Promise<void> {
  const { status, socket } = await openConnect(gatewayPort, 'denied.soak.test:443');
  socket.destroy();
  if (status !== 403) throw new Error(`denied CONNECT answered ${status}`);
}

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

/** A websocket upgrade sent as an absolute URI, one echoed text message, a close frame. */
export async function websocketRoundTrip(gatewayPort: number): Promise<void> {
  const socket = await connected(gatewayPort);
  try {
    socket.write(
      'GET http://ws.soak.test/socket HTTP/1.1\r\nHost: ws.soak.test\r\nUpgrade: websocket\r\n' +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
        'Sec-WebSocket-Version: 13\r\n\r\n',
    );
    const head = await readUntil(socket, headEnd);
    if (statusOf(head) !== 101) throw new Error(`websocket upgrade answered ${statusOf(head)}`);
    const message = Buffer.from(`soak ${randomBytes(8).toString('hex')}`);
    const rest = head.subarray(head.indexOf('\r\n\r\n') + 4);
    socket.write(maskedFrame(0x1, message));
    const echoed =
      rest.length >= message.length + 2
        ? rest
        : await readUntil(socket, (b) => b.length >= message.length + 2);
    if (!echoed.subarray(2, 2 + message.length).equals(message)) throw new Error('websocket echo differs');
    socket.end(maskedFrame(0x8, Buffer.alloc(0)));
  } finally {
    socket.destroy();
  }
}

import { randomBytes } from 'node:crypto';

/** One masked client text frame (RFC 6455 §5.2), for payloads under 126 bytes. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** The payload of one unmasked server text frame at the start of `data`, or null if incomplete. */
export function readServerTextFrame(data: Buffer): string | null {
  if (data.length < 2) return null;
  const length = (data[1] ?? 0) & 0x7f;
  if (data.length < 2 + length) return null;
  return data.subarray(2, 2 + length).toString();
}

export const upgradeHeaders = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
};

/**
 * Builds ClientHello bytes for tests, field by field from RFC 8446 §4.1.2, so tests can state
 * exactly which field is odd. Not a TLS implementation: nothing here is cryptographically valid.
 */

export interface HelloExtension {
  readonly type: number;
  readonly data: Buffer;
}

export interface HelloSpec {
  /** host_name to send; null or omitted leaves out the server_name extension. */
  readonly sni?: string | Buffer | null;
  readonly alpn?: readonly string[];
  readonly ech?: boolean;
  readonly sessionId?: Buffer;
  /** Extra extensions, appended after the ones above. */
  readonly extensions?: readonly HelloExtension[];
  /** Leave out the extensions block entirely (legal before TLS 1.3). */
  readonly noExtensionsBlock?: boolean;
  /** Pad with a padding extension (RFC 7685) until the body has at least this many bytes. */
  readonly padBodyTo?: number;
}

export const EXT_SERVER_NAME = 0x0000;
export const EXT_ALPN = 0x0010;
export const EXT_PADDING = 0x0015;
export const EXT_SUPPORTED_VERSIONS = 0x002b;
export const EXT_ECH = 0xfe0d;

export function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}

export function u16(n: number): Buffer {
  return Buffer.from([(n >> 8) & 0xff, n & 0xff]);
}

export function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** A vector with a 2-byte length prefix. */
export function vec16(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u16(body.length), body]);
}

export function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(data.length), data]);
}

export function serverNameData(name: string | Buffer): Buffer {
  const bytes = typeof name === 'string' ? Buffer.from(name, 'latin1') : name;
  return vec16(u8(0), u16(bytes.length), bytes);
}

export function alpnData(protocols: readonly string[]): Buffer {
  return vec16(...protocols.map((p) => Buffer.concat([u8(p.length), Buffer.from(p, 'latin1')])));
}

/** The ClientHello body (after the 4-byte handshake header). */
export function buildHelloBody(spec: HelloSpec = {}): Buffer {
  const sessionId = spec.sessionId ?? Buffer.alloc(32, 0x5a);
  const fixed = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 0xa5),
    u8(sessionId.length),
    sessionId,
    vec16(u16(0x1301), u16(0x1302), u16(0xc02f)),
    Buffer.from([1, 0]),
  ]);
  if (spec.noExtensionsBlock === true) return fixed;
  const exts: Buffer[] = [];
  if (spec.sni !== undefined && spec.sni !== null)
    exts.push(extension(EXT_SERVER_NAME, serverNameData(spec.sni)));
  if (spec.alpn !== undefined) exts.push(extension(EXT_ALPN, alpnData(spec.alpn)));
  exts.push(extension(EXT_SUPPORTED_VERSIONS, Buffer.from([4, 0x03, 0x04, 0x03, 0x03])));
  if (spec.ech === true) exts.push(extension(EXT_ECH, Buffer.from([0, 0, 1, 0, 1, 7, 0, 0])));
  for (const e of spec.extensions ?? []) exts.push(extension(e.type, e.data));
  let body = Buffer.concat([fixed, vec16(...exts)]);
  if (spec.padBodyTo !== undefined && body.length < spec.padBodyTo) {
    const pad = Math.max(0, spec.padBodyTo - body.length - 4);
    exts.push(extension(EXT_PADDING, Buffer.alloc(pad)));
    body = Buffer.concat([fixed, vec16(...exts)]);
  }
  return body;
}

/** The handshake message: type client_hello, 3-byte length, body. */
export function buildHandshake(spec: HelloSpec = {}): Buffer {
  const body = buildHelloBody(spec);
  return handshakeOf(body);
}

export function handshakeOf(body: Buffer, type = 1): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

export function record(fragment: Buffer, contentType = 0x16, version = 0x0301): Buffer {
  return Buffer.concat([u8(contentType), u16(version), u16(fragment.length), fragment]);
}

/**
 * Splits a handshake message into handshake records with the given fragment sizes (the last
 * size repeats until the message is used up).
 */
export function toRecords(handshake: Buffer, sizes: readonly number[] = [16_384]): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  let i = 0;
  while (offset < handshake.length) {
    const size = Math.max(1, sizes[Math.min(i, sizes.length - 1)] ?? 16_384);
    out.push(record(handshake.subarray(offset, offset + size)));
    offset += size;
    i++;
  }
  return Buffer.concat(out);
}

export function buildClientHello(spec: HelloSpec = {}, sizes?: readonly number[]): Buffer {
  return toRecords(buildHandshake(spec), sizes);
}

/** The handshake message carried by well-formed records (inverse of toRecords). */
export function handshakeFromRecords(records: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos + 5 <= records.length && records[pos] === 0x16) {
    const length = records.readUInt16BE(pos + 3);
    parts.push(records.subarray(pos + 5, pos + 5 + length));
    pos += 5 + length;
  }
  const joined = Buffer.concat(parts);
  const total = 4 + joined.readUIntBE(1, 3);
  return joined.subarray(0, total);
}

/**
 * TLS ClientHello reader for transparent mode: pulls the SNI, ALPN and whether an
 * encrypted_client_hello extension is present out of the first bytes a client sends,
 * without terminating or altering TLS (RFC 8446 §4.1.2, §5.1; RFC 6066 §3; RFC 7301 §3.1).
 *
 * Pure function over the bytes received so far: the caller re-invokes it with the growing
 * buffer until the result is no longer 'incomplete'. It never throws.
 */

/** Envoy's TLS inspector limit: a bigger hello is refused rather than buffered. */
export const MAX_HELLO_BYTES = 65_536;

export type InvalidHelloReason = 'not_tls' | 'not_client_hello' | 'malformed' | 'too_large';

export interface HelloIncomplete {
  readonly status: 'incomplete';
  /** Minimum number of additional bytes before another call can make progress. */
  readonly needBytes?: number;
}

export interface HelloOk {
  readonly status: 'ok';
  /** The host_name as sent (ASCII, not normalized), or null when there is no server_name extension. */
  readonly sni: string | null;
  /** An encrypted_client_hello (0xfe0d) extension was present: the SNI is then the ECH public name. */
  readonly ech: boolean;
  readonly alpn: readonly string[];
  /** Length of the handshake message, its 4-byte header included. */
  readonly helloLength: number;
  /** Bytes of the TLS records that carried the hello, record headers included. */
  readonly recordBytes: number;
}

export interface HelloInvalid {
  readonly status: 'invalid';
  readonly reason: InvalidHelloReason;
}

export type ClientHelloResult = HelloIncomplete | HelloOk | HelloInvalid;

export interface ParseClientHelloOptions {
  /** Largest accepted handshake message (header included). Default, and fallback for a non-positive or non-integer value: MAX_HELLO_BYTES. */
  readonly maxHelloBytes?: number;
}

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
/** RFC 8446 §5.1: a plaintext record MUST NOT carry more than 2^14 bytes. */
const MAX_RECORD_PAYLOAD = 16_384;
const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_ECH = 0xfe0d;
const NAME_TYPE_HOST_NAME = 0x00;
/** legacy_version(2) random(32) session_id(1+0) cipher_suites(2+2) compression_methods(1+1). */
const MIN_HELLO_BODY = 41;
const EMPTY_ALPN: readonly string[] = Object.freeze([]);

const NOT_TLS: HelloInvalid = Object.freeze({ status: 'invalid', reason: 'not_tls' });
const NOT_CLIENT_HELLO: HelloInvalid = Object.freeze({ status: 'invalid', reason: 'not_client_hello' });
const MALFORMED: HelloInvalid = Object.freeze({ status: 'invalid', reason: 'malformed' });
const TOO_LARGE: HelloInvalid = Object.freeze({ status: 'invalid', reason: 'too_large' });

/**
 * Parses the ClientHello at the start of `buf`. The handshake message may be fragmented over
 * several consecutive handshake records and the records over several TCP segments.
 *
 * Guarantee for callers that buffer: 'incomplete' is never returned once
 * `buf.length >= 2 * maxHelloBytes + 5`; record framing beyond twice the hello bound is refused
 * as too_large so a peer cannot make the gateway buffer without limit with tiny records.
 */
export function parseClientHello(buf: Buffer, options?: ParseClientHelloOptions): ClientHelloResult {
  const requested = options?.maxHelloBytes;
  // A NaN or negative bound would disable the limit; never let a bad option do that.
  const maxHello =
    requested !== undefined && Number.isSafeInteger(requested) && requested > 0 ? requested : MAX_HELLO_BYTES;
  const maxRecordBytes = 2 * maxHello;
  let pos = 0;
  let records = 0;
  let firstFragment = 0;
  let seen = 0;
  let headerBytes = 0;
  let header = 0;
  let helloTotal = -1;

  while (helloTotal < 0 || seen < helloTotal) {
    const avail = buf.length - pos;
    if (avail < 1) return incomplete(RECORD_HEADER);
    // Handshake messages must not be interleaved with other record types (RFC 8446 §5.1).
    if (buf[pos] !== CONTENT_HANDSHAKE) return records === 0 ? NOT_TLS : MALFORMED;
    if (avail < 2) return incomplete(RECORD_HEADER - avail);
    if (buf[pos + 1] !== 0x03) return records === 0 ? NOT_TLS : MALFORMED;
    if (avail < RECORD_HEADER) return incomplete(RECORD_HEADER - avail);
    const length = readU16(buf, pos + 3);
    // Zero-length handshake fragments are forbidden; oversized ones are a record_overflow.
    if (length === 0 || length > MAX_RECORD_PAYLOAD) return MALFORMED;
    const fragmentStart = pos + RECORD_HEADER;
    const fragmentEnd = fragmentStart + length;
    if (fragmentEnd > maxRecordBytes) return TOO_LARGE;
    // The 4-byte handshake header may itself straddle records: absorb it byte by byte so the
    // type and length checks happen as early as the bytes allow.
    const available = Math.min(fragmentEnd, buf.length);
    for (let i = fragmentStart; i < available && headerBytes < HANDSHAKE_HEADER; i++) {
      header = header * 256 + buf[i]!;
      headerBytes++;
      if (headerBytes === 1 && header !== HANDSHAKE_CLIENT_HELLO) return NOT_CLIENT_HELLO;
    }
    if (headerBytes === HANDSHAKE_HEADER && helloTotal < 0) {
      const bodyLength = header - HANDSHAKE_CLIENT_HELLO * 0x1000000;
      helloTotal = HANDSHAKE_HEADER + bodyLength;
      if (helloTotal > maxHello) return TOO_LARGE;
      if (bodyLength < MIN_HELLO_BODY) return MALFORMED;
    }
    if (fragmentEnd > buf.length) return incomplete(fragmentEnd - buf.length);
    if (records === 0) firstFragment = length;
    records++;
    seen += length;
    pos = fragmentEnd;
  }

  // Happy path: one record holds the whole hello, parse it in place.
  if (firstFragment >= helloTotal) {
    return parseHelloBody(buf, RECORD_HEADER + HANDSHAKE_HEADER, RECORD_HEADER + helloTotal, helloTotal, pos);
  }
  const joined = joinFragments(buf, helloTotal);
  return parseHelloBody(joined, HANDSHAKE_HEADER, helloTotal, helloTotal, pos);
}

/** Concatenates the handshake fragments of consecutive, already validated records. */
function joinFragments(buf: Buffer, total: number): Buffer {
  const joined = Buffer.allocUnsafe(total);
  let pos = 0;
  let filled = 0;
  while (filled < total) {
    const length = readU16(buf, pos + 3);
    const take = Math.min(length, total - filled);
    buf.copy(joined, filled, pos + RECORD_HEADER, pos + RECORD_HEADER + take);
    filled += take;
    pos += RECORD_HEADER + length;
  }
  return joined;
}

function parseHelloBody(
  b: Buffer,
  start: number,
  end: number,
  helloLength: number,
  recordBytes: number,
): HelloOk | HelloInvalid {
  let p = start;
  if (b[p] !== 0x03) return MALFORMED;
  p += 2 + 32;
  const sessionIdLength = b[p]!;
  if (sessionIdLength > 32) return MALFORMED;
  p += 1 + sessionIdLength;
  if (p + 2 > end) return MALFORMED;
  const cipherSuitesLength = readU16(b, p);
  if (cipherSuitesLength < 2 || cipherSuitesLength % 2 !== 0) return MALFORMED;
  p += 2 + cipherSuitesLength;
  if (p + 1 > end) return MALFORMED;
  const compressionLength = b[p]!;
  if (compressionLength < 1) return MALFORMED;
  p += 1 + compressionLength;
  if (p > end) return MALFORMED;

  let sni: string | null = null;
  let alpn = EMPTY_ALPN;
  let ech = false;
  let sawSni = false;
  let sawAlpn = false;
  // A hello without an extensions block is legal before TLS 1.3.
  if (p < end) {
    if (p + 2 > end || p + 2 + readU16(b, p) !== end) return MALFORMED;
    p += 2;
    while (p < end) {
      if (p + 4 > end) return MALFORMED;
      const type = readU16(b, p);
      const length = readU16(b, p + 2);
      p += 4;
      if (p + length > end) return MALFORMED;
      // Duplicates of an extension we act on would make the decision ambiguous (RFC 8446 §4.2).
      if (type === EXT_SERVER_NAME) {
        if (sawSni) return MALFORMED;
        sawSni = true;
        sni = readServerName(b, p, p + length);
        if (sni === null) return MALFORMED;
      } else if (type === EXT_ALPN) {
        if (sawAlpn) return MALFORMED;
        sawAlpn = true;
        const protocols = readAlpn(b, p, p + length);
        if (protocols === null) return MALFORMED;
        alpn = protocols;
      } else if (type === EXT_ECH) {
        if (ech) return MALFORMED;
        ech = true;
      }
      p += length;
    }
  }
  return { status: 'ok', sni, ech, alpn, helloLength, recordBytes };
}

/**
 * RFC 6066 §3 ServerNameList. Like OpenSSL, accept exactly one entry of type host_name: the list
 * was never extensible in practice, and a second name would make the policy check ambiguous.
 * Returns null when malformed.
 */
function readServerName(b: Buffer, p: number, end: number): string | null {
  if (p + 2 > end || p + 2 + readU16(b, p) !== end) return null;
  p += 2;
  if (p + 3 > end || b[p] !== NAME_TYPE_HOST_NAME) return null;
  const length = readU16(b, p + 1);
  p += 3;
  if (length === 0 || p + length !== end) return null;
  for (let i = p; i < end; i++) {
    const c = b[i]!;
    // Printable ASCII only: NUL, controls and 8-bit bytes are never part of a DNS host name and
    // could truncate or smuggle text in logs and policy checks.
    if (c < 0x21 || c > 0x7e) return null;
  }
  return b.toString('latin1', p, end);
}

/** RFC 7301 §3.1 ProtocolNameList; names are opaque octets, kept byte for byte as latin1. */
function readAlpn(b: Buffer, p: number, end: number): string[] | null {
  if (p + 2 > end || p + 2 + readU16(b, p) !== end || end - p < 3) return null;
  p += 2;
  const protocols: string[] = [];
  while (p < end) {
    const length = b[p]!;
    p += 1;
    if (length === 0 || p + length > end) return null;
    protocols.push(b.toString('latin1', p, p + length));
    p += length;
  }
  return protocols;
}

function readU16(b: Buffer, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

function incomplete(needBytes: number): HelloIncomplete {
  return { status: 'incomplete', needBytes };
}

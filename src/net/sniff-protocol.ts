/** What a client's first bytes look like: a TLS record, an HTTP/1 request line, or something else. */
export type SniffedProtocol = 'tls' | 'http' | 'other' | 'undecided';

// Longest standard method is UPDATEREDIRECTREF (17); a little slack for extension methods.
const MAX_METHOD = 24;

function isMethodByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x5f;
}

/**
 * Classifies the bytes read so far. `undecided` means more bytes could change the answer (an
 * upper-case word not yet followed by a space); nothing at all is `undecided` too. A TLS handshake
 * record starts with 0x16; an HTTP/1 request with a method token and a space. Binary protocols
 * (LDAP's 0x30, TDS's 0x12, git's length prefix) are `other` on their first byte.
 */
export function sniffProtocol(bytes: Buffer): SniffedProtocol {
  if (bytes.length === 0) return 'undecided';
  if (bytes[0] === 0x16) return 'tls';
  const end = Math.min(bytes.length, MAX_METHOD + 1);
  for (let i = 0; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c === 0x20) return i > 0 ? 'http' : 'other';
    if (!isMethodByte(c)) return 'other';
  }
  return bytes.length > MAX_METHOD ? 'other' : 'undecided';
}

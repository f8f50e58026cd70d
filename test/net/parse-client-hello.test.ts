import { describe, expect, it } from 'vitest';
import { MAX_HELLO_BYTES, parseClientHello } from '../../src/net/parse-client-hello.js';
import {
  EXT_ALPN,
  EXT_ECH,
  EXT_SERVER_NAME,
  alpnData,
  buildClientHello,
  buildHandshake,
  buildHelloBody,
  extension,
  handshakeOf,
  record,
  toRecords,
  u16,
  u8,
  vec16,
} from './client-hello-builder.js';

/** A hello whose extensions block is exactly the given raw extensions. */
function helloWithRawExtensions(...exts: Buffer[]): Buffer {
  const fixed = buildHelloBody({ noExtensionsBlock: true });
  return toRecords(handshakeOf(Buffer.concat([fixed, vec16(...exts)])));
}

function reasonOf(buf: Buffer): string {
  const r = parseClientHello(buf);
  return r.status === 'invalid' ? r.reason : r.status;
}

describe('parseClientHello: well-formed hellos', () => {
  it('reads SNI, ALPN and lengths from a single-record hello', () => {
    const hs = buildHandshake({ sni: 'login.microsoftonline.com', alpn: ['h2', 'http/1.1'] });
    const buf = toRecords(hs);
    expect(parseClientHello(buf)).toEqual({
      status: 'ok',
      sni: 'login.microsoftonline.com',
      ech: false,
      alpn: ['h2', 'http/1.1'],
      helloLength: hs.length,
      recordBytes: hs.length + 5,
    });
  });

  it('returns the SNI raw, without normalizing case or the trailing dot', () => {
    const r = parseClientHello(buildClientHello({ sni: 'Management.Azure.COM.' }));
    expect(r).toMatchObject({ status: 'ok', sni: 'Management.Azure.COM.' });
  });

  it('reports sni null when there is no server_name extension or no extensions block', () => {
    expect(parseClientHello(buildClientHello({}))).toMatchObject({ status: 'ok', sni: null, alpn: [] });
    expect(parseClientHello(buildClientHello({ noExtensionsBlock: true }))).toMatchObject({
      status: 'ok',
      sni: null,
      ech: false,
    });
  });

  it('flags an encrypted_client_hello extension and still returns the outer (public) SNI', () => {
    const r = parseClientHello(buildClientHello({ sni: 'public.example.com', ech: true }));
    expect(r).toMatchObject({ status: 'ok', sni: 'public.example.com', ech: true });
  });

  it('ignores records after the hello (early data, change_cipher_spec)', () => {
    const hello = buildClientHello({ sni: 'a.example' });
    const buf = Buffer.concat([hello, record(Buffer.from([1]), 0x14), record(Buffer.alloc(30), 0x17)]);
    expect(parseClientHello(buf)).toMatchObject({
      status: 'ok',
      sni: 'a.example',
      recordBytes: hello.length,
    });
  });

  it('reassembles a hello fragmented over many records, the handshake header split too', () => {
    const hs = buildHandshake({ sni: 'split.example.net', alpn: ['h2'] });
    for (const sizes of [[1], [2, 3], [3, 1000], [4], [37], [hs.length - 1]]) {
      const buf = toRecords(hs, sizes);
      expect(parseClientHello(buf)).toMatchObject({
        status: 'ok',
        sni: 'split.example.net',
        alpn: ['h2'],
        helloLength: hs.length,
        recordBytes: buf.length,
      });
    }
  });

  it('accepts a hello of exactly 64 KiB over several records', () => {
    const hs = buildHandshake({ sni: 'big.example', padBodyTo: MAX_HELLO_BYTES - 4 });
    expect(hs.length).toBe(MAX_HELLO_BYTES);
    expect(parseClientHello(toRecords(hs))).toMatchObject({ status: 'ok', sni: 'big.example' });
  });
});

describe('parseClientHello: incomplete input', () => {
  it('asks for the record header, then for the rest of the record', () => {
    const buf = buildClientHello({ sni: 'x.example' });
    expect(parseClientHello(Buffer.alloc(0))).toEqual({ status: 'incomplete', needBytes: 5 });
    expect(parseClientHello(buf.subarray(0, 3))).toEqual({ status: 'incomplete', needBytes: 2 });
    expect(parseClientHello(buf.subarray(0, 20))).toEqual({
      status: 'incomplete',
      needBytes: buf.length - 20,
    });
  });

  it('asks for the next record header when a fragmented hello stops at a record boundary', () => {
    const buf = toRecords(buildHandshake({ sni: 'x.example' }), [50]);
    expect(parseClientHello(buf.subarray(0, 55))).toEqual({ status: 'incomplete', needBytes: 5 });
  });
});

describe('parseClientHello: rejects', () => {
  it.each([
    ['plain HTTP', Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')],
    ['an SSLv2-compatible hello', Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15])],
    ['SSH banner', Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')],
    ['a handshake record with a non-TLS version', Buffer.from([0x16, 0x02, 0x00, 0x00, 0x10])],
    ['an alert record', record(Buffer.from([2, 40]), 0x15)],
    ['a single 0x00 byte', Buffer.from([0])],
  ])('%s as not_tls', (_name, buf) => {
    expect(reasonOf(buf)).toBe('not_tls');
  });

  it('a ServerHello (or any other handshake type) as not_client_hello, from its first byte', () => {
    expect(reasonOf(toRecords(handshakeOf(buildHelloBody(), 2)))).toBe('not_client_hello');
    expect(reasonOf(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x0b]))).toBe('not_client_hello');
  });

  it('a hello longer than 64 KiB as too_large from its header alone', () => {
    const header = Buffer.concat([record(Buffer.from([1, 0x01, 0x00, 0x01]))]);
    expect(reasonOf(header.subarray(0, 9))).toBe('too_large');
    expect(reasonOf(record(Buffer.from([1, 0x00, 0x10, 0x00])).subarray(0, 9))).toBe('incomplete');
    const small = parseClientHello(buildClientHello({ sni: 'a.example' }), { maxHelloBytes: 60 });
    expect(small).toEqual({ status: 'invalid', reason: 'too_large' });
  });

  it('falls back to the 64 KiB bound when the option is not a positive integer', () => {
    const big = toRecords(buildHandshake({ sni: 'a.example', padBodyTo: MAX_HELLO_BYTES }));
    for (const maxHelloBytes of [NaN, -1, 0, Infinity, 1.5]) {
      expect(parseClientHello(big, { maxHelloBytes })).toEqual({ status: 'invalid', reason: 'too_large' });
      expect(parseClientHello(buildClientHello({ sni: 'a.example' }), { maxHelloBytes }).status).toBe('ok');
    }
  });

  it('framing that needs more than twice the hello bound as too_large', () => {
    const buf = toRecords(buildHandshake({ sni: 'a.example', padBodyTo: 400 }), [1]);
    expect(parseClientHello(buf, { maxHelloBytes: 1000 })).toEqual({
      status: 'invalid',
      reason: 'too_large',
    });
    expect(parseClientHello(buf, { maxHelloBytes: 3000 })).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['a zero-length record', Buffer.concat([record(Buffer.alloc(0)), buildClientHello({})])],
    ['a record over 2^14 bytes', Buffer.concat([Buffer.from([0x16, 3, 1, 0x40, 0x01]), Buffer.alloc(20)])],
    [
      'an alert interleaved in the handshake',
      (() => {
        const hs = buildHandshake({ sni: 'a.example' });
        return Buffer.concat([
          record(hs.subarray(0, 10)),
          record(Buffer.from([2, 0]), 0x15),
          record(hs.subarray(10)),
        ]);
      })(),
    ],
    ['a body shorter than the fixed fields', toRecords(handshakeOf(Buffer.alloc(40, 3)))],
    [
      'legacy_version not 3.x',
      toRecords(handshakeOf(Buffer.concat([u16(0x0203), buildHelloBody().subarray(2)]))),
    ],
    ['a session id over 32 bytes', buildClientHello({ sessionId: Buffer.alloc(33) })],
    ['trailing bytes after the extensions', toRecords(handshakeOf(Buffer.concat([buildHelloBody(), u8(0)])))],
    [
      'an extension running past the block',
      helloWithRawExtensions(Buffer.concat([u16(EXT_SERVER_NAME), u16(200), Buffer.alloc(4)])),
    ],
    ['an empty server_name extension', helloWithRawExtensions(extension(EXT_SERVER_NAME, Buffer.alloc(0)))],
    ['an empty host_name', buildClientHello({ sni: '' })],
    ['a NUL in the host name', buildClientHello({ sni: 'evil.example\0.allowed.com' })],
    ['non-ASCII in the host name', buildClientHello({ sni: Buffer.from('bücher.example', 'utf8') })],
    ['a space in the host name', buildClientHello({ sni: 'a b.example' })],
    ['a CR LF in the host name', buildClientHello({ sni: 'a.example\r\nx' })],
    [
      'two host names in one server_name',
      helloWithRawExtensions(
        extension(
          EXT_SERVER_NAME,
          vec16(u8(0), vec16(Buffer.from('a.example')), u8(0), vec16(Buffer.from('b.example'))),
        ),
      ),
    ],
    [
      'a name type other than host_name',
      helloWithRawExtensions(extension(EXT_SERVER_NAME, vec16(u8(1), vec16(Buffer.from('a.example'))))),
    ],
    [
      'two server_name extensions',
      helloWithRawExtensions(
        extension(EXT_SERVER_NAME, vec16(u8(0), vec16(Buffer.from('allowed.example')))),
        extension(EXT_SERVER_NAME, vec16(u8(0), vec16(Buffer.from('evil.example')))),
      ),
    ],
    [
      'two ALPN extensions',
      helloWithRawExtensions(extension(EXT_ALPN, alpnData(['h2'])), extension(EXT_ALPN, alpnData(['h2']))),
    ],
    ['an empty ALPN protocol name', buildClientHello({ alpn: ['h2', ''] })],
    ['an empty ALPN list', helloWithRawExtensions(extension(EXT_ALPN, u16(0)))],
    [
      'two ECH extensions',
      helloWithRawExtensions(extension(EXT_ECH, Buffer.alloc(2)), extension(EXT_ECH, Buffer.alloc(2))),
    ],
  ])('%s as malformed', (_name, buf) => {
    expect(reasonOf(buf)).toBe('malformed');
  });

  it('a cipher suite list of odd or zero length, and no compression methods, as malformed', () => {
    const body = buildHelloBody({ noExtensionsBlock: true });
    const csAt = 2 + 32 + 1 + 32;
    const odd = Buffer.from(body);
    odd.writeUInt16BE(5, csAt);
    expect(reasonOf(toRecords(handshakeOf(odd)))).toBe('malformed');
    const zero = Buffer.concat([body.subarray(0, csAt), u16(0), Buffer.from([1, 0])]);
    expect(reasonOf(toRecords(handshakeOf(Buffer.concat([zero, Buffer.alloc(8)]))))).toBe('malformed');
    const noCompression = Buffer.concat([body.subarray(0, csAt), vec16(u16(0x1301)), u8(0), Buffer.alloc(4)]);
    expect(reasonOf(toRecords(handshakeOf(noCompression)))).toBe('malformed');
  });
});

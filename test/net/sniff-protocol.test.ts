import { describe, expect, it } from 'vitest';
import { sniffProtocol } from '../../src/net/sniff-protocol.js';
import { buildClientHello } from './client-hello-builder.js';

describe('sniffProtocol', () => {
  it.each([
    ['a TLS ClientHello record', buildClientHello({ sni: 'x.example' }), 'tls'],
    ['the first byte of a TLS record', Buffer.from([0x16]), 'tls'],
    ['an HTTP request line', Buffer.from('GET / HTTP/1.1\r\n'), 'http'],
    ['an extension method', Buffer.from('PROPFIND /x HTTP/1.1\r\n'), 'http'],
    ['an LDAP BindRequest (BER SEQUENCE)', Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01]), 'other'],
    ['a TDS PRELOGIN packet (SQL Server)', Buffer.from([0x12, 0x01, 0x00, 0x2f]), 'other'],
    ['a git protocol request (pkt-line length)', Buffer.from('0032git-upload-pack /x\0'), 'other'],
    ['an AMQP protocol header', Buffer.from('AMQP\x00\x00\x09\x01'), 'other'],
    ['a line starting with a space', Buffer.from(' GET /'), 'other'],
    ['lower-case words', Buffer.from('get / HTTP/1.1'), 'other'],
    ['an upper-case word too long for a method', Buffer.from('A'.repeat(40)), 'other'],
  ])('%s is %s', (_what, bytes, expected) => {
    expect(sniffProtocol(bytes)).toBe(expected);
  });

  it('waits for more bytes on nothing, or on an upper-case word not yet followed by a space', () => {
    expect(sniffProtocol(Buffer.alloc(0))).toBe('undecided');
    expect(sniffProtocol(Buffer.from('GE'))).toBe('undecided');
    expect(sniffProtocol(Buffer.from('OPTIONS'))).toBe('undecided');
  });
});

import { describe, expect, it } from 'vitest';
import { parseBindAddress } from '../../src/net/parse-bind-address.js';

describe('parseBindAddress', () => {
  it.each([
    ['127.0.0.1:3128', '127.0.0.1', 3128],
    ['0.0.0.0:0', '0.0.0.0', 0],
    ['localhost:9090', 'localhost', 9090],
    ['[::1]:9090', '::1', 9090],
    ['[::]:65535', '::', 65535],
    ['[::ffff:127.0.0.1]:80', '::ffff:127.0.0.1', 80],
    // Without brackets the last colon still ends the address.
    ['::1:9090', '::1', 9090],
    ['127.0.0.1:08', '127.0.0.1', 8],
  ])('%j binds %s port %d', (raw, host, port) => {
    expect(parseBindAddress(raw)).toEqual({ ok: true, address: { host, port } });
  });

  it.each([
    ['9090', 'expected ADDR:PORT, got "9090"'],
    [':9090', 'expected ADDR:PORT, got ":9090"'],
    ['', 'expected ADDR:PORT, got ""'],
    ['gate.example:80', '"gate.example" is not an IP address'],
    ['[gate.example]:80', '"gate.example" is not an IP address'],
    ['1.2.3:80', '"1.2.3" is not an IP address'],
    ['127.0.0.1:65536', 'invalid port "65536"'],
    ['127.0.0.1: 80', 'invalid port " 80"'],
    ['127.0.0.1:', 'invalid port ""'],
    ['127.0.0.1:-1', 'invalid port "-1"'],
  ])('%j: %s', (raw, error) => {
    expect(parseBindAddress(raw)).toEqual({ ok: false, error });
  });
});

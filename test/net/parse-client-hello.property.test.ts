import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClientHelloResult, parseClientHello } from '../../src/net/parse-client-hello.js';
import {
  buildClientHello,
  buildHandshake,
  handshakeFromRecords,
  record,
  toRecords,
} from './client-hello-builder.js';

interface Fixture {
  readonly file: string;
  readonly sni: string | null;
  readonly alpn: readonly string[];
  readonly bytes: Buffer;
}

const fixtureDir = fileURLToPath(new URL('../fixtures/client-hello/', import.meta.url));
const fixtures: readonly Fixture[] = (
  JSON.parse(readFileSync(fixtureDir + 'index.json', 'utf8')) as Omit<Fixture, 'bytes'>[]
).map((f) => ({ ...f, bytes: readFileSync(fixtureDir + f.file) }));

const PRINTABLE = /^[\x21-\x7e]+$/;

/** Whatever the input, the result must be one of the three shapes with sane values. */
function expectWellFormedResult(r: ClientHelloResult, input: Buffer): void {
  switch (r.status) {
    case 'incomplete':
      expect(r.needBytes ?? 1).toBeGreaterThan(0);
      break;
    case 'invalid':
      expect(['not_tls', 'not_client_hello', 'malformed', 'too_large']).toContain(r.reason);
      break;
    case 'ok':
      expect(r.recordBytes).toBeLessThanOrEqual(input.length);
      expect(r.helloLength).toBeLessThanOrEqual(65_536);
      if (r.sni !== null) expect(r.sni).toMatch(PRINTABLE);
      break;
  }
}

const ascii = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 300,
});

describe('parseClientHello on captured hellos (curl, openssl, node)', () => {
  it('has all the fixtures listed in index.json', () => {
    expect(fixtures.map((f) => f.file)).toHaveLength(7);
    expect(fixtures.some((f) => f.bytes.length > 512 && f.bytes.readUInt16BE(3) === 512)).toBe(true);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))(
    '%s parses to the SNI and ALPN the client sent',
    (_n, f) => {
      expect(parseClientHello(f.bytes)).toEqual({
        status: 'ok',
        sni: f.sni,
        ech: false,
        alpn: f.alpn,
        helloLength: handshakeFromRecords(f.bytes).length,
        recordBytes: f.bytes.length,
      });
    },
  );

  it('every truncation of every fixture is incomplete', () => {
    for (const f of fixtures) {
      for (let cut = 0; cut < f.bytes.length; cut++) {
        const r = parseClientHello(f.bytes.subarray(0, cut));
        if (r.status !== 'incomplete') throw new Error(`${f.file} cut at ${cut}: ${JSON.stringify(r)}`);
        expect(cut + (r.needBytes ?? 1)).toBeLessThanOrEqual(f.bytes.length);
      }
    }
  });

  it('random byte flips never throw and never yield an impossible result', () => {
    const fixture = fc.constantFrom(...fixtures);
    const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(fixture, flips, (f, edits) => {
        const buf = Buffer.from(f.bytes);
        for (const [at, xor] of edits) buf[at % buf.length] = buf[at % buf.length]! ^ xor;
        expectWellFormedResult(parseClientHello(buf), buf);
      }),
      { numRuns: 3000 },
    );
  });

  it('the same hello split into records of random sizes parses the same', () => {
    const fixture = fc.constantFrom(...fixtures);
    const sizes = fc.array(fc.integer({ min: 1, max: 16_384 }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fixture, sizes, (f, s) => {
        const hs = handshakeFromRecords(f.bytes);
        const buf = toRecords(hs, s);
        expect(parseClientHello(buf)).toEqual({
          status: 'ok',
          sni: f.sni,
          ech: false,
          alpn: f.alpn,
          helloLength: hs.length,
          recordBytes: buf.length,
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseClientHello round trips through the hello builder', () => {
  it('any printable-ASCII SNI comes back byte for byte, with any fragmentation', () => {
    const sizes = fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.oneof(fc.domain(), ascii), fc.boolean(), sizes, (sni, ech, s) => {
        const r = parseClientHello(buildClientHello({ sni, ech, alpn: ['h2'] }, s));
        expect(r).toMatchObject({ status: 'ok', sni, ech, alpn: ['h2'] });
      }),
      { numRuns: 1000 },
    );
  });

  it('any SNI with a byte outside printable ASCII is malformed', () => {
    const name = fc
      .tuple(
        fc.uint8Array({ maxLength: 40 }),
        fc.oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7f, max: 0xff })),
      )
      .chain(([bytes, bad]) =>
        fc
          .nat({ max: bytes.length })
          .map((at) => Buffer.from([...bytes.slice(0, at), bad, ...bytes.slice(at)])),
      );
    fc.assert(
      fc.property(name, (sni) => {
        expect(parseClientHello(buildClientHello({ sni }))).toEqual({
          status: 'invalid',
          reason: 'malformed',
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never returns incomplete once the buffer exceeds twice the hello bound plus a header', () => {
    const maxHelloBytes = 64;
    const tinyRecords = fc
      .array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 60 })
      .map((frags) => Buffer.concat([...frags.map((f) => record(Buffer.from(f))), Buffer.alloc(140)]));
    fc.assert(
      fc.property(fc.oneof(tinyRecords, fc.uint8Array({ minLength: 133, maxLength: 400 })), (raw) => {
        const buf = Buffer.from(raw);
        expect(parseClientHello(buf, { maxHelloBytes }).status).not.toBe('incomplete');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseClientHello bounded fuzz', () => {
  it('20,000 random and mutated buffers: no throw, only well-formed results', () => {
    const seeds = [...fixtures.map((f) => f.bytes), buildClientHello({ sni: 'a.example', ech: true }, [7])];
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(
          fc.tuple(
            fc.constantFrom('flip', 'insert', 'delete', 'len'),
            fc.nat(),
            fc.integer({ min: 0, max: 255 }),
          ),
          { minLength: 1, maxLength: 6 },
        ),
      )
      .map(([seed, edits]) => {
        let buf = Buffer.from(seed);
        for (const [op, at, v] of edits) {
          const i = at % Math.max(1, buf.length);
          if (op === 'flip') buf[i] = v;
          else if (op === 'insert')
            buf = Buffer.concat([buf.subarray(0, i), Buffer.from([v]), buf.subarray(i)]);
          else if (op === 'delete') buf = Buffer.concat([buf.subarray(0, i), buf.subarray(i + 1)]);
          else if (i + 1 < buf.length) buf.writeUInt16BE(v * 3, i);
        }
        return buf;
      });
    const tlsish = fc
      .uint8Array({ maxLength: 600 })
      .map((b) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), Buffer.from(b)]));
    const raw = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));
    const hs = buildHandshake({ sni: 'fuzz.example', alpn: ['h2', 'http/1.1'] });
    const reframed = fc
      .array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 })
      .map((s) => toRecords(hs, s));
    fc.assert(
      fc.property(fc.oneof(mutated, tlsish, raw, reframed), (buf) => {
        expectWellFormedResult(parseClientHello(buf), buf);
      }),
      { numRuns: 20_000 },
    );
  });
});

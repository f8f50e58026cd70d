import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConnectTarget } from '../../src/net/parse-connect-target.js';
import { normalizeHost } from '../../src/policy/normalize-host.js';

// Fixed seeds keep CI reproducible; a failure prints the counterexample and the seed.
const runs = (numRuns: number, seed: number): fc.Parameters<unknown> => ({ numRuns, seed });

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefxX.:[]@%/ -_'.split('')), maxLength: 40 }),
);

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The IPv4 spellings WHATWG URL accepts for the same address. */
function spellings(n: number): string[] {
  const o = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255] as const;
  return [
    String(n),
    `0x${n.toString(16)}`,
    `0X${n.toString(16).toUpperCase()}`,
    `0${n.toString(8)}`,
    o.map((x) => `0${x.toString(8)}`).join('.'),
    o.map((x) => `0x${x.toString(16)}`).join('.'),
    `${o[0]}.${o[1]}.${(o[2] << 8) | o[3]}`,
    `${o[0]}.${(o[1] << 16) | (o[2] << 8) | o[3]}`,
    `${dotted(n)}.`,
  ];
}

const randomCase = (s: string, flips: readonly boolean[]): string =>
  [...s].map((c, i) => (flips[i % Math.max(flips.length, 1)] === true ? c.toUpperCase() : c)).join('');

describe('normalizeHost (property)', () => {
  it('never throws; a result is short, lower-case ASCII with no trailing dot, and normalizing it again changes nothing', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const r = normalizeHost(raw);
        if (r === null) return;
        expect(r.host).toMatch(/^[\x21-\x7e]+$/);
        expect(r.host).toBe(r.host.toLowerCase());
        expect(r.host.length).toBeLessThanOrEqual(253);
        expect(r.host.endsWith('.')).toBe(false);
        expect(normalizeHost(r.kind === 'ipv6' ? `[${r.host}]` : r.host)).toEqual(r);
      }),
      runs(20_000, 1),
    );
  });

  it('a name is never an IP literal in disguise: names have a non-numeric last label', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const r = normalizeHost(raw);
        if (r === null || r.kind !== 'name') return;
        expect(isIP(r.host)).toBe(0);
        expect(r.host).not.toMatch(/(^|\.)(0x[0-9a-f]*|[0-9]+)$/);
      }),
      runs(10_000, 2),
    );
  });

  it('every IPv4 spelling of an address normalizes to its dotted quad', () => {
    fc.assert(
      fc.property(uint32, (n) => {
        for (const s of spellings(n)) expect(normalizeHost(s)).toEqual({ kind: 'ipv4', host: dotted(n) });
      }),
      runs(2_000, 3),
    );
  });

  it('IPv4-mapped IPv6 (dotted or hex) normalizes to the IPv4 address', () => {
    fc.assert(
      fc.property(uint32, (n) => {
        const hex = `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
        for (const s of [`[::ffff:${dotted(n)}]`, `[::FFFF:${hex}]`, `[0:0:0:0:0:ffff:${hex}]`]) {
          expect(normalizeHost(s)).toEqual({ kind: 'ipv4', host: dotted(n) });
        }
      }),
      runs(2_000, 4),
    );
  });

  it('case and a trailing dot never change a name', () => {
    fc.assert(
      fc.property(fc.domain(), fc.array(fc.boolean(), { minLength: 1 }), fc.boolean(), (d, flips, dot) => {
        const r = normalizeHost(`${randomCase(d, flips)}${dot ? '.' : ''}`);
        if (r === null || r.kind !== 'name') return;
        expect(r).toEqual(normalizeHost(d));
      }),
      runs(3_000, 5),
    );
  });
});

describe('parseConnectTarget (property)', () => {
  const port = fc.integer({ min: 1, max: 65_535 });

  it('never throws; a result has a port in 1..65535 and a canonical host that round-trips', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const t = parseConnectTarget(raw);
        if (t === null) return;
        expect(Number.isInteger(t.port) && t.port >= 1 && t.port <= 65_535).toBe(true);
        const canonical = normalizeHost(t.host.includes(':') ? `[${t.host}]` : t.host);
        expect(canonical?.host).toBe(t.host);
        const again = parseConnectTarget(
          t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`,
        );
        expect(again).toEqual(t);
      }),
      runs(20_000, 6),
    );
  });

  it('refuses userinfo, whitespace, paths, percent signs and non-ASCII anywhere', () => {
    const bad = fc.constantFrom('@', ' ', '\t', '/', '%', '?', '#', '\\', 'é', '\u0000', '\r\n', 'ａ');
    fc.assert(
      fc.property(fc.domain(), port, bad, fc.nat(), (d, p, b, at) => {
        const clean = `${d}:${p}`;
        const i = at % (clean.length + 1);
        expect(parseConnectTarget(`${clean.slice(0, i)}${b}${clean.slice(i)}`)).toBeNull();
      }),
      runs(5_000, 7),
    );
  });

  it('refuses ports outside 1..65535 and targets without a port', () => {
    const outside = fc.oneof(fc.constant(0), fc.integer({ min: 65_536, max: 10_000_000 }));
    fc.assert(
      fc.property(fc.domain(), outside, (d, p) => {
        expect(parseConnectTarget(`${d}:${p}`)).toBeNull();
        expect(parseConnectTarget(d)).toBeNull();
      }),
      runs(2_000, 8),
    );
  });

  it('reads any valid name and port, in any case, as the lower-case name', () => {
    fc.assert(
      fc.property(fc.domain(), port, fc.array(fc.boolean(), { minLength: 1 }), (d, p, flips) => {
        const expected = normalizeHost(d);
        const t = parseConnectTarget(`${randomCase(d, flips)}:${p}`);
        if (expected === null) expect(t).toBeNull();
        else expect(t).toEqual({ host: expected.host, port: p });
      }),
      runs(3_000, 9),
    );
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { pathAllowedBy } from '../../src/policy/path-prefix.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { readAbsoluteTarget } from '../../src/listeners/read-absolute-target.js';
import { readOriginForm } from '../../src/listeners/read-origin-form.js';
import { readPathReadings } from '../../src/policy/read-path-readings.js';
import { escapingReadings, serverReadings } from '../support/server-path-readings.js';

/** What both listeners forward and decide on: the request target's path as the client sent it. */
const forwardedPath = (target: string): string => readOriginForm(target)?.path ?? '';

const allowed = (path: string, prefix = '/allowed/'): boolean => pathAllowedBy([prefix], forwardedPath(path));

// The path spellings of issue 12, and the servers that read each one outside /allowed/.
const bypasses: readonly (readonly [string, readonly string[]])[] = [
  ['/allowed//../x', ['nginx', 'tomcat', 'decode-then-strip']],
  ['/allowed//..%2fx', ['nginx', 'decode-then-strip']],
  ['/allowed/..%2fx', ['nginx', 'nginx-no-merge', 'decode-then-strip', 'iis']],
  ['/allowed/%2e%2e%2fx', ['nginx', 'nginx-no-merge', 'decode-then-strip', 'iis']],
  ['/allowed/.%2e/x', ['rfc3986', 'nginx', 'nginx-no-merge', 'tomcat', 'decode-then-strip', 'iis']],
  ['/allowed/..;/x', ['tomcat', 'decode-then-strip']],
  ['/allowed/..%3b/x', ['decode-then-strip']],
  ['/allowed/%2e%2e;x/x', ['tomcat', 'decode-then-strip']],
  ['/allowed/..%5cx', ['iis']],
  ['/allowed;x/../x', ['rfc3986', 'nginx', 'nginx-no-merge', 'tomcat', 'decode-then-strip', 'iis']],
  ['/allowed/.. /x', ['iis']],
  ['/allowed/x/..%2f..%2f..%2fy', ['nginx', 'nginx-no-merge', 'decode-then-strip', 'iis']],
  ['/allowed/..%3fy', ['decode-then-split']],
  ['/allowed/..%23y', ['decode-then-split']],
];

describe('every path spelling the issue names is decided on the reading that leaves the prefix', () => {
  it.each(bypasses)('%s', (spelling, escapers) => {
    // The simulated servers really do leave /allowed/ on what a listener would forward...
    expect(escapingReadings('/allowed/', forwardedPath(spelling))).toEqual(
      expect.arrayContaining([...escapers]),
    );
    // ...so the rule must refuse it.
    expect(allowed(spelling)).toBe(false);
  });

  it.each([
    ['double-encoded dots', '/allowed/%252e%252e/x'],
    ['double-encoded slash', '/allowed/a%252fb'],
    ['overlong UTF-8 dot', '/allowed/%c0%ae%c0%ae/x'],
    ['overlong UTF-8 slash', '/allowed/..%c0%afx'],
    ['three-byte overlong dot', '/allowed/%e0%80%ae'],
    ['IIS %u escape', '/allowed/%u002e%u002e/x'],
    ['a broken escape', '/allowed/%zz'],
    ['NUL', '/allowed/..%00/x'],
  ])('%s (%s) is refused on a path rule', (_what, spelling) => {
    expect(allowed(spelling)).toBe(false);
  });

  it.each([
    '/allowed/x',
    '/allowed/a/b.crl',
    '/allowed/Microsoft%20Azure%20TLS%20Issuing%20CA%2001.crl',
    '/allowed/a%2Fb',
    '/allowed/a;jsessionid=1/b',
    '/allowed/%e2%82%ac',
    '/other/../allowed/./x',
    '/allowed/x.crl.',
    '/allowed/100%25',
  ])('%s stays allowed: every reading is inside', (spelling) => {
    expect(allowed(spelling)).toBe(true);
    expect(escapingReadings('/allowed/', forwardedPath(spelling))).toEqual([]);
  });
});

describe('prefixes match on segment boundaries', () => {
  it.each([
    ['/pkiops/crl', '/pkiops/crl', true],
    ['/pkiops/crl', '/pkiops/crl/Microsoft%20RSA.crl', true],
    ['/pkiops/crl', '/pkiops/crlEVIL', false],
    ['/pkiops/crl', '/pkiops/crl.evil', false],
    ['/pkiops/crl', '/pkiops/cr', false],
    ['/pkiops/crl', '/pkiops/crl;x', false],
    ['/allowed/', '/allowed', false],
    ['/allowed/', '/allowed/', true],
    ['/pkiops/crl*', '/pkiops/crlEVIL', true],
    ['/pkiops/crl*', '/pkiops/cr', false],
    ['/pkiops/crl*', '/pkiops/crl%2f..%2f..%2fx', false],
  ])('%s against %s: %s', (prefix, path, expected) => {
    expect(allowed(path, prefix)).toBe(expected);
  });

  it('a query is not part of the path: /pkiops/crl?x is /pkiops/crl', async () => {
    const policy = await loadPolicy({
      dir: new URL('../../policies/', import.meta.url).pathname,
      profiles: ['azure-stack-hub'],
      parameters: {},
    });
    const at = (path: string) =>
      decide(policy, { host: 'www.microsoft.com', port: 80, path: forwardedPath(path) }, 'enforce');
    expect(at('/pkiops/crl?x=1')).toMatchObject({ verdict: 'allow', rule: 'defender-pki-http' });
    expect(at('/pkiops/crlEVIL')).toMatchObject({ verdict: 'deny', reason: 'path_not_allowed' });
    expect(at('/pki/certs/MicRooCerAut2011_2011_03_22.crt')).toMatchObject({ verdict: 'allow' });
  });
});

// Segments built from the pieces that confuse path readers.
const piece = fc.constantFrom(
  '.',
  '..',
  '',
  ';x',
  '%2f',
  '%2F',
  '%2e',
  '%2E',
  '%5c',
  '\\',
  'a',
  'allowed',
  ' ',
  '%3b',
  '%252e',
  '%c0%ae',
  '%3f',
);
const segment = fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
const target = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }))
  .map(([underPrefix, segments]) => `${underPrefix ? '/allowed/' : '/'}${segments.join('/')}`);

/** Which servers read the forwarded path outside the prefix although the decision allowed it. */
function escapes(decideAllows: (path: string) => boolean, raw: string): string[] {
  const path = forwardedPath(raw);
  return decideAllows(path) ? escapingReadings('/allowed/', path) : [];
}

describe('no allowed path reaches outside the prefix under any server reading (property)', () => {
  it('holds for egressgate decisions', () => {
    fc.assert(
      fc.property(target, (raw) => {
        expect(escapes((p) => pathAllowedBy(['/allowed/'], p), raw)).toEqual([]);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('can fail: the old decision (decode %2F/%5C/%2E, resolve, string prefix) lets some through', () => {
    const oldDecision = (path: string): boolean => {
      const resolved = new URL(`http://origin.invalid${path}`).pathname;
      const decoded = resolved.replace(/%2f|%5c/gi, '/').replace(/%2e/gi, '.');
      return new URL(`http://origin.invalid${decoded}`).pathname.startsWith('/allowed/');
    };
    const found = fc.check(
      fc.property(target, (raw) => escapes(oldDecision, raw).length === 0),
      { numRuns: 3000, seed: 12 },
    );
    expect(found.failed).toBe(true);
  });

  it('every simulated server agrees on a plain path', () => {
    for (const read of Object.values(serverReadings)) expect(read('/allowed/a/b')).toBe('/allowed/a/b');
  });
});

describe('reading paths never throws (property)', () => {
  it('on any text, raw targets and absolute URIs alike', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...'/.;%\\2fFeE5cC0aA ?#:@u'.split('')), maxLength: 60 }),
    );
    fc.assert(
      fc.property(text, (raw) => {
        const origin = readOriginForm(`/${raw}`);
        expect(origin?.originForm).toMatch(/^\/[\x21-\x7e]*$/);
        const readings = readPathReadings(origin?.path ?? '/');
        if (readings !== null) for (const r of readings) expect(r.startsWith('/')).toBe(true);
        expect(typeof pathAllowedBy(['/allowed/', '/a*'], `/${raw}`)).toBe('boolean');
        const absolute = readAbsoluteTarget(`http://plain.example.test/${raw}`, false);
        if (absolute !== null) expect(absolute.originForm.startsWith('/')).toBe(true);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });
});

describe('a path prefix that could never match a canonical path is a load error', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'egressgate-paths-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['/a/../b', /'\.' and '\.\.'/],
    ['/a//b', /empty segments/],
    ['/a;x', /expected \/segment/],
    ['/a\\b', /expected \/segment/],
    ['/a%2fb', /may not encode/],
    ['/a*b', /expected \/segment/],
    ['/a/%zz', /escape must be %XX/],
  ])('%s', async (path, message) => {
    await writeFile(
      join(dir, 'p.yaml'),
      `name: p\ndescription: t\nrules:\n  - id: r\n    hosts: [a.example.com]\n    ports: [80]\n` +
        `    paths: ['${path.replaceAll("'", "''")}']\n    provenance: { document: x }\n`,
    );
    const err: unknown = await loadPolicy({ dir, profiles: ['p'], parameters: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyError);
    expect(err).toMatchObject({ code: 'BAD_PATH', line: 7 });
    expect((err as Error).message).toMatch(message);
  });
});

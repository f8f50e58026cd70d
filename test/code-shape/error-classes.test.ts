import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { EgressgateError } from '../../src/egressgate-error.js';
import { ConnectToError } from '../../src/net/connect-to.js';
import { DialError } from '../../src/net/dial-error.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { ServiceTagsError } from '../../src/servicetags/service-tags-error.js';
import { repoRoot } from '../support/run-cli.js';

const src = join(repoRoot, 'src');
const sources = (readdirSync(src, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: relative(repoRoot, join(src, f)), text: readFileSync(join(src, f), 'utf8') }));

/** May extend Error itself: FieldError never leaves audit/log-event.ts (a line that does not parse is skipped). */
const OWN_BASE = ['FieldError'];

describe('error classes (docs/design.md, Errors)', () => {
  it('extend EgressgateError', () => {
    const direct = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/class (\w+) extends Error\b/g)].map((m) => `${file}: ${m[1] ?? ''}`),
    );
    expect(direct.filter((d) => !OWN_BASE.some((name) => d.endsWith(`: ${name}`)))).toEqual([]);
    expect(sources.some(({ text }) => /extends EgressgateError</.test(text))).toBe(true);
  });

  it('spell their codes in SCREAMING_SNAKE_CASE (DialError: RFC 9209 Proxy-Status types)', () => {
    const codes = sources.flatMap(({ file, text }) => {
      const unions = [...text.matchAll(/export type (\w+ErrorCode) =([^;]+);/g)]
        .filter((m) => m[1] !== 'DialErrorCode')
        .flatMap((m) => [...(m[2] ?? '').matchAll(/'([^']*)'/g)].map((c) => c[1] ?? ''));
      const literals = [...text.matchAll(/EgressgateError<'([^']*)'>/g)].map((m) => m[1] ?? '');
      return [...unions, ...literals].map((code) => ({ file, code }));
    });
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter(({ code }) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code))).toEqual([]);
  });

  it('carry code, file, line, reason, cause and their own name', () => {
    const cause = new Error('EACCES');
    const err = new PolicyError('PROFILE_NOT_FOUND', 'cannot read profile', {
      file: 'p.yaml',
      line: 3,
      cause,
    });
    expect(err).toBeInstanceOf(EgressgateError);
    expect(err).toMatchObject({
      name: 'PolicyError',
      code: 'PROFILE_NOT_FOUND',
      file: 'p.yaml',
      line: 3,
      reason: 'cannot read profile',
      message: 'p.yaml:3: cannot read profile',
      cause,
    });
    expect(new ConfigError('bad', { file: 'c.yaml' })).toMatchObject({
      name: 'ConfigError',
      code: 'CONFIG_INVALID',
      message: 'c.yaml: bad',
      line: null,
    });
    expect(new ConnectToError('x')).toMatchObject({
      name: 'ConnectToError',
      code: 'INVALID_CONNECT_TO',
      file: null,
    });
    expect(new ServiceTagsError('TAG_EMPTY', 'x').name).toBe('ServiceTagsError');
    expect(new DialError('dns_error', 'no such host')).toMatchObject({
      name: 'DialError',
      code: 'dns_error',
    });
    expect(Object.hasOwn(new ConfigError('x'), 'cause')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { redactUserinfo } from '../../src/observe/redact-userinfo.js';

describe('redactUserinfo', () => {
  it('hides userinfo in an authority', () => {
    expect(redactUserinfo('alice:s3cret@example.com:8080')).toBe('[REDACTED]@example.com:8080');
  });
  it('hides userinfo in a URL and keeps the path', () => {
    expect(redactUserinfo('http://alice:s3cret@parent:3128/a@b')).toBe('http://[REDACTED]@parent:3128/a@b');
  });
  it('leaves values without userinfo alone', () => {
    expect(redactUserinfo('example.com:443')).toBe('example.com:443');
    expect(redactUserinfo('/v1/users/a@b.com')).toBe('/v1/users/a@b.com');
    expect(redactUserinfo('http://parent:3128/x')).toBe('http://parent:3128/x');
  });
  it('handles an @ inside the password', () => {
    expect(redactUserinfo('http://u:p@ss@host/')).toBe('http://[REDACTED]@host/');
  });
});

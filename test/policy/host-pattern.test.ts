import { describe, expect, it } from 'vitest';
import { parseHostPattern } from '../../src/policy/host-pattern.js';

describe('parseHostPattern', () => {
  it.each([
    ['management.azure.com', 'exact', 'management.azure.com'],
    ['*.servicebus.windows.net', 'subtree', 'servicebus.windows.net'],
    ['.wdcp.microsoft.com', 'suffix', 'wdcp.microsoft.com'],
    ['azgn*.servicebus.windows.net', 'glob', 'servicebus.windows.net'],
    ['*.blob.core.windows.net', 'subtree', 'blob.core.windows.net'],
    ['Login.MicrosoftOnline.com.', 'exact', 'login.microsoftonline.com'],
  ])('%s is a %s pattern on %s', (source, kind, base) => {
    const parsed = parseHostPattern(source);
    expect(parsed.ok && parsed.pattern.kind).toBe(kind);
    expect(parsed.ok && parsed.pattern.base).toBe(base);
  });

  it.each([
    ['*', /anyHost: true/],
    ['*.com', /public suffix 'com'/],
    ['*.co.uk', /public suffix 'co.uk'/],
    ['.net', /public suffix/],
    ['a.*.example.com', /'\*' may stand only/],
    ['*example.com', /public suffix|'\*' may stand only/],
    ['a..example.com', /empty label/],
    ['https://management.azure.com/', /looks like a URL.*management\.azure\.com/],
    ['management.azure.com:443', /carries a port/],
    ['10.0.0.1', /under 'cidrs'.*10\.0\.0\.1\/32/],
  ])('%s is refused', (source, message) => {
    const parsed = parseHostPattern(source);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });

  it('accepts a bare * only with the opt-in', () => {
    const parsed = parseHostPattern('*', { anyHost: true });
    expect(parsed.ok && parsed.pattern.kind).toBe('any');
  });
});

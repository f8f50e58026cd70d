import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { mergeServeFlags } from '../../src/config/merge-serve-flags.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { runCli } from '../support/run-cli.js';

const resolveWith = (text: string, cpuCount = 6): number =>
  resolveSettings(parseConfigText(text, 'c.yaml'), { defaultPoliciesDir: '/p', cpuCount }).workers;

describe('workers (config key and --workers)', () => {
  it('defaults to 1, takes a number, and turns auto into the CPU count', () => {
    expect(resolveWith('listen: 127.0.0.1:3128\n')).toBe(1);
    expect(resolveWith('workers: 3\n')).toBe(3);
    expect(resolveWith('workers: auto\n', 6)).toBe(6);
    expect(resolveWith('workers: auto\n', 0)).toBe(1);
  });

  it('refuses 0, fractions and words with the file and line', () => {
    for (const bad of ['workers: 0', 'workers: 2.5', 'workers: many', 'workers: 257']) {
      let caught: unknown;
      try {
        parseConfigText(`listen: 127.0.0.1:3128\n${bad}\n`, 'c.yaml');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).line).toBe(2);
      expect((caught as ConfigError).message).toMatch(/'workers'/);
    }
  });

  it('--workers overrides the file, and a bad value is a usage error', () => {
    expect(mergeServeFlags({ workers: 4 }, { workers: '2' }).workers).toBe(2);
    expect(mergeServeFlags({ workers: 4 }, { workers: 'auto' }).workers).toBe('auto');
    expect(mergeServeFlags({ workers: 4 }, {}).workers).toBe(4);
    expect(() => mergeServeFlags({}, { workers: '0' })).toThrow(/--workers must be/);
    expect(() => mergeServeFlags({}, { workers: 'two' })).toThrow(/--workers must be/);
  });

  it('serve --workers 0 exits 2 with the reason before binding anything', async () => {
    const result = await runCli([
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--admin',
      '127.0.0.1:0',
      '--workers',
      '0',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--workers must be a number of processes (1-256) or auto, not "0"');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigText } from '../../src/config/load-config.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import configSchema from '../../src/config/config-schema.json' with { type: 'json' };
import { repoRoot } from '../support/run-cli.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The body of the first fenced block of `lang` after the heading. */
function blockAfter(heading: string, lang: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const open = readme.indexOf(`\`\`\`${lang}\n`, start);
  const close = readme.indexOf('\n```', open + 1);
  return readme.slice(open + lang.length + 4, close);
}

/** Rows of the first table after the heading, as cells. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const lines = readme.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

type Schema = { properties?: Record<string, Schema>; $ref?: string };
const schema = configSchema as unknown as Schema;
const defaults = resolveSettings({}, { defaultPoliciesDir: '/p/' });

describe('README "Config file" example', () => {
  const text = blockAfter('### Config file', 'yaml');
  const example = parse(text) as Record<string, unknown>;

  it('is a valid config (the schema and the settings resolver accept it)', () => {
    expect(() =>
      resolveSettings(parseConfigText(text, 'README.md'), { defaultPoliciesDir: '/p/' }),
    ).not.toThrow();
  });

  it('shows every key of the schema, nested objects included', () => {
    const missing: string[] = [];
    const walk = (props: Record<string, Schema>, value: Record<string, unknown>, path: string): void => {
      for (const [key, sub] of Object.entries(props)) {
        if (!(key in value)) missing.push(`${path}${key}`);
        else if (sub.properties !== undefined && typeof value[key] === 'object' && !Array.isArray(value[key]))
          walk(sub.properties, value[key] as Record<string, unknown>, `${path}${key}.`);
      }
    };
    walk(schema.properties ?? {}, example, '');
    expect(missing).toEqual([]);
  });

  it('writes the defaults where it shows limits, timeouts and the other tunables', () => {
    const file = parseConfigText(text, 'README.md');
    expect(file.limits).toEqual(defaults.limits);
    expect(file.timeouts).toEqual(defaults.timeouts);
    expect(file.drainTimeoutMs).toBe(defaults.drainTimeoutMs);
    expect(file.tunnelSniCheck).toBe(defaults.tunnelSniCheck);
    expect(file.metrics?.deniedTopN).toBe(defaults.deniedTopN);
    expect(file.log?.level).toBe(defaults.logLevel);
    expect(file.log?.destination).toBe(defaults.logDestination.kind);
  });
});

describe('README "Limits and their defaults" table', () => {
  const rows = tableAfter('### Limits and their defaults');
  const byKey = new Map(rows.map((r) => [(r[0] ?? '').replace(/`/g, ''), r[1] ?? '']));

  it('lists every limit and timeout of the schema', () => {
    const keys = [
      ...Object.keys(schema.properties?.['limits']?.properties ?? {}).map((k) => `limits.${k}`),
      ...Object.keys(schema.properties?.['timeouts']?.properties ?? {}).map((k) => `timeouts.${k}`),
      'clientGroups[].maxConnections',
    ];
    expect(keys.filter((k) => !byKey.has(k))).toEqual([]);
  });

  it('states the defaults the settings resolver fills in', () => {
    for (const [key, value] of Object.entries(defaults.limits))
      expect(byKey.get(`limits.${key}`), key).toBe(String(value));
    for (const [key, value] of Object.entries(defaults.timeouts))
      expect(byKey.get(`timeouts.${key}`), key).toBe(String(value));
    // A group without maxConnections has no limit of its own.
    const group = resolveSettings(
      { clientGroups: [{ name: 'g', cidrs: ['10.0.0.0/8'], profiles: [] }] },
      { defaultPoliciesDir: '/p/' },
    );
    expect(group.groups[0]?.maxConnections).toBeNull();
    expect(byKey.get('clientGroups[].maxConnections')).toBe('unlimited');
  });
});

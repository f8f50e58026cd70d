import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createServeCommand } from '../../src/cli/serve-command.js';
import { addSchemaDefaults } from '../../src/config/add-schema-defaults.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { serveDefaults } from '../../src/config/serve-defaults.js';
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

/** Every default as [dotted key, value]: `limits.maxConnections`, `log.syslog.facility`, ... */
function leaves(tree: object, prefix = ''): [string, unknown][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? leaves(value as object, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value] as [string, unknown]],
  );
}

function valueAt(tree: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], tree);
}

/** The serve flags that set a defaulted config key (README and --help state the default beside them). */
const flagKeys: Readonly<Record<string, string>> = {
  '--listen': 'listen',
  '--admin': 'admin',
  '--mode': 'mode',
  '--deny-style': 'denyStyle',
  '--latency': 'latencyMs',
  '--workers': 'workers',
  '--log-level': 'log.level',
  '--log-decisions': 'log.decisions',
};

describe('the defaults object (src/config/serve-defaults.ts)', () => {
  it('is what resolveSettings fills in, and both are deeply frozen', () => {
    expect(defaults.limits).toEqual(serveDefaults.limits);
    expect(defaults.timeouts).toEqual(serveDefaults.timeouts);
    expect(defaults.listen).toEqual({ host: '127.0.0.1', port: 3128 });
    expect([defaults.drainTimeoutMs, defaults.tunnelSniCheck, defaults.workers, defaults.deniedTopN]).toEqual(
      [
        serveDefaults.drainTimeoutMs,
        serveDefaults.tunnelSniCheck,
        serveDefaults.workers,
        serveDefaults.metrics.deniedTopN,
      ],
    );
    expect([defaults.logLevel, defaults.logDecisions, defaults.logDestination.kind]).toEqual([
      serveDefaults.log.level,
      serveDefaults.log.decisions,
      serveDefaults.log.destination,
    ]);
    expect(defaults.groups.map((g) => [g.mode, g.denyStyle])).toEqual([
      [serveDefaults.mode, serveDefaults.denyStyle],
    ]);
    const syslog = resolveSettings(
      { log: { destination: 'syslog', syslog: { address: 'udp://127.0.0.1:514' } } },
      { defaultPoliciesDir: '/p/' },
    ).logDestination;
    expect(syslog).toMatchObject(serveDefaults.log.syslog);
    for (const frozen of [serveDefaults, serveDefaults.limits, defaults, defaults.limits, defaults.groups[0]])
      expect(Object.isFrozen(frozen)).toBe(true);
    expect(() => {
      (defaults.limits as { maxConnections: number }).maxConnections = 1;
    }).toThrow(TypeError);
  });

  it("is the config schema's defaults (node scripts/sync-chart.mjs writes them)", () => {
    expect(addSchemaDefaults(configSchema, serveDefaults)).toEqual(configSchema);
    for (const [key, value] of leaves(serveDefaults)) {
      const path = key.split('.').flatMap((k) => ['properties', k]);
      expect(valueAt(configSchema, [...path, 'default'].join('.')), key).toEqual(value);
    }
  });

  it('is what serve --help states', () => {
    const help = createServeCommand().helpInformation().replace(/\s+/g, ' ');
    let stated = 0;
    for (const [flag, key] of Object.entries(flagKeys)) {
      const match = new RegExp(`${flag} <[^>]+> [^-]*?\\(default ([^;)]+)`).exec(help);
      if (match === null) continue;
      stated++;
      expect(match[1], flag).toBe(String(valueAt(serveDefaults, key)));
    }
    expect(stated).toBeGreaterThanOrEqual(6);
  });
});

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

  it('writes the default wherever it shows a key that has one', () => {
    const file = parseConfigText(text, 'README.md');
    for (const [key, value] of leaves(serveDefaults)) expect(valueAt(file, key), key).toEqual(value);
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

  it('states the defaults of the defaults object', () => {
    for (const [key, value] of Object.entries(serveDefaults.limits))
      expect(byKey.get(`limits.${key}`), key).toBe(String(value));
    for (const [key, value] of Object.entries(serveDefaults.timeouts))
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

describe('README "Flags" table', () => {
  const rows = tableAfter('### Flags');

  it('states the default of a flag as the defaults object has it', () => {
    let stated = 0;
    for (const [flag, key] of Object.entries(flagKeys)) {
      const row = rows.find((r) => (r[0] ?? '').startsWith(`\`${flag} `));
      const match = /default:? `?([^`.;,)\s]+(?:\.[0-9]+)*(?::[0-9]+)?)`?/i.exec(row?.[1] ?? '');
      if (match === null) continue;
      stated++;
      expect(match[1], flag).toBe(String(valueAt(serveDefaults, key)));
    }
    expect(stated).toBeGreaterThanOrEqual(4);
  });
});

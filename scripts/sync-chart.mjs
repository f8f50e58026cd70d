#!/usr/bin/env node
// Keeps the config schema and the Helm chart in step with egressgate itself:
//  - src/config/config-schema.json states the defaults of src/config/serve-defaults.ts (the one place
//    they are written) as `default`s;
//  - values.schema.json validates `config` with egressgate's own config schema (src/config/config-schema.json),
//    so a typo fails `helm install` / `helm lint` instead of crash-looping the pod;
//  - files/profile-ports.json lists the TCP ports each shipped profile's rules allow (includes followed),
//    from which the NetworkPolicy derives its egress ports.
// `node scripts/sync-chart.mjs` writes all three; `--check` exits 1 when any is out of date (a test runs it).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { tsImport } from 'tsx/esm/api';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));
const chart = join(root, 'helm', 'egressgate');
const valuesSchemaFile = join(chart, 'values.schema.json');
const portsFile = join(chart, 'files', 'profile-ports.json');
const configSchemaFile = join(root, 'src', 'config', 'config-schema.json');

async function configSchema() {
  const { addSchemaDefaults } = await tsImport('../src/config/add-schema-defaults.ts', import.meta.url);
  const { serveDefaults } = await tsImport('../src/config/serve-defaults.ts', import.meta.url);
  return addSchemaDefaults(JSON.parse(readFileSync(configSchemaFile, 'utf8')), serveDefaults);
}

function configDefinition(config) {
  const schema = structuredClone(config);
  delete schema.$schema;
  delete schema.$id;
  const text = JSON.stringify(schema).replaceAll(
    '"#/definitions/',
    '"#/definitions/egressgateConfig/definitions/',
  );
  return JSON.parse(text);
}

function profilePorts() {
  const dir = join(root, 'policies');
  const profiles = new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f.slice(0, -5), parse(readFileSync(join(dir, f), 'utf8'))]),
  );
  const portsOf = (name, seen = new Set()) => {
    if (seen.has(name) || !profiles.has(name)) return [];
    seen.add(name);
    const p = profiles.get(name);
    return [
      ...(p.rules ?? []).flatMap((r) => (r.ports ?? []).map(String)),
      ...(p.include ?? []).flatMap((i) => portsOf(i, seen)),
    ];
  };
  const first = (port) => Number(port.split('-')[0]);
  const out = {};
  for (const name of [...profiles.keys()].sort()) {
    out[name] = [...new Set(portsOf(name))].sort((a, b) => first(a) - first(b) || a.localeCompare(b));
  }
  return out;
}

const config = await configSchema();
const values = JSON.parse(readFileSync(valuesSchemaFile, 'utf8'));
values.definitions = { ...(values.definitions ?? {}), egressgateConfig: configDefinition(config) };
// Formatted as the repository's prettier would, so `npm run lint` and this check agree.
const format = async (file, value) =>
  prettier.format(JSON.stringify(value), { ...(await prettier.resolveConfig(file)), filepath: file });
const wanted = new Map([
  [configSchemaFile, await format(configSchemaFile, config)],
  [valuesSchemaFile, await format(valuesSchemaFile, values)],
  [portsFile, await format(portsFile, profilePorts())],
]);

let stale = 0;
for (const [file, text] of wanted) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing: stale
  }
  if (current === text) continue;
  stale++;
  if (process.argv.includes('--check'))
    process.stderr.write(`out of date: ${file} (run node scripts/sync-chart.mjs)\n`);
  else writeFileSync(file, text);
}
process.exitCode = process.argv.includes('--check') && stale > 0 ? 1 : 0;

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// The layer rule needs only the import specifiers, so the type-aware rules are switched off: that lets
// a file that exists only in this test be linted as if it had been placed in src/.
const eslint = new ESLint({ cwd: repoRoot, overrideConfig: tseslint.configs.disableTypeChecked });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import layers (eslint no-restricted-imports, docs/design.md "Layers")', () => {
  const upward: readonly (readonly [string, string])[] = [
    ['src/net/probe.ts', "export type { Recorder } from '../observe/recorder.js';"],
    ['src/net/probe.ts', "export type { PolicyState } from '../proxy/policy-state.js';"],
    ['src/observe/probe.ts', "export { listenServer } from '../proxy/listen-server.js';"],
    ['src/config/probe.ts', "export type { Metrics } from '../observe/create-metrics.js';"],
    [
      'src/policy/probe.ts',
      "export { buildRuleTagProfile } from '../servicetags/build-rule-tag-profile.js';",
    ],
    ['src/servicetags/probe.ts', "export { buildRuleTagProfile } from './build-rule-tag-profile.js';"],
    ['src/servicetags/probe.ts', "export { parsePortSet } from '../policy/port-set.js';"],
    ['src/listeners/probe.ts', "export type { App } from '../app.js';"],
    ['src/app.ts', "import { startLab } from './lab/start-lab.js';\nexport { startLab };"],
    ['src/audit/probe.ts', "export { startLab } from '../lab/start-lab.js';"],
    ['src/address/probe.ts', "export type { EgressRequest } from '../egress-request.js';"],
    ['src/address/probe.ts', "export { parseCidr } from '../policy/parse-cidr.js';"],
  ];
  it.each(upward)('%s: %s fails lint', async (file, code) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Layers/);
  });

  const downward: readonly (readonly [string, string])[] = [
    ['src/proxy/probe.ts', "export type { Tunnel } from '../net/tunnel.js';"],
    ['src/observe/probe.ts', "export type { ServeConfig } from '../config/serve-config.js';"],
    ['src/cli/probe.ts', "export { createApp } from '../app.js';"],
    ['src/servicetags/build-probe.ts', "export { parsePortSet } from '../policy/port-set.js';"],
    ['src/policy/probe.ts', "export type { ServiceTagsFile } from '../servicetags/parse-service-tags.js';"],
    ['src/policy/probe.ts', "export { mappedIPv4 } from '../address/unmap-ipv4.js';"],
    ['src/servicetags/probe.ts', "export { readCidr } from '../address/read-cidr.js';"],
  ];
  it.each(downward)('%s: %s passes', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });

  it('every folder and file at the root of src/ but cli/ (the top) has its layer rule', async () => {
    const entries = fs
      .readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.name.endsWith('.ts'))
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    const unrestricted: string[] = [];
    for (const entry of entries) {
      const file = path.join(repoRoot, 'src', entry.endsWith('/') ? `${entry}probe.ts` : entry);
      const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, unknown> };
      if (config.rules?.['no-restricted-imports'] === undefined) unrestricted.push(entry);
    }
    expect(unrestricted).toEqual(['cli/']);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { PolicyError } from '../../src/policy/policy-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egressgate-policy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = `name: p
description: test
parameters:
  region:
    description: Azure region
    required: true
    pattern: "^[a-z0-9-]+$"
rules:
`;

async function loadText(text: string, parameters: Record<string, string> = { region: 'eastus' }) {
  await writeFile(join(dir, 'p.yaml'), text);
  return loadPolicy({ dir, profiles: ['p'], parameters });
}

async function errorOf(text: string, parameters?: Record<string, string>): Promise<PolicyError> {
  const err = await loadText(text, parameters).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolicyError);
  return err as PolicyError;
}

describe('profile loading errors name the file, the line and what to write', () => {
  it('an unknown key, with a suggestion', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    host: [a.example.com]\n    ports: [443]\n    provenance: { document: x }\n`,
    );
    expect(err.code).toBe('PROFILE_INVALID');
    expect(err.file).toBe(join(dir, 'p.yaml'));
    expect(err.line).toBe(10);
    expect(err.message).toMatch(/unknown key 'host'.*did you mean 'hosts'/);
  });

  it('a port out of range', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: [a.example.com]\n    ports: [443, 70000]\n    provenance: { document: x }\n`,
    );
    expect(err.line).toBe(11);
    expect(err.message).toMatch(/70000/);
  });

  it('a backwards port range', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: [a.example.com]\n    ports: ["44304-44300"]\n    provenance: { document: x }\n`,
    );
    expect(err.code).toBe('BAD_PORT');
    expect(err.line).toBe(11);
    expect(err.message).toMatch(/write '44300-44304'/);
  });

  it.each([
    ['"*.com"', /public suffix 'com'/],
    ['"a.*.example.com"', /'\*' may stand only/],
    ['"*"', /anyHost: true/],
    ['"https://a.example.com/x"', /looks like a URL/],
  ])('a bad pattern %s', async (pattern, message) => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: [b.example.com, ${pattern}]\n    ports: [443]\n    provenance: { document: x }\n`,
    );
    expect(err.code).toBe('BAD_PATTERN');
    expect(err.line).toBe(10);
    expect(err.message).toMatch(message);
  });

  it('an undeclared parameter in a pattern', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: ["{zone}.example.com"]\n    ports: [443]\n    provenance: { document: x }\n`,
    );
    expect(err.code).toBe('PARAMETER_UNDECLARED');
    expect(err.line).toBe(10);
    expect(err.message).toMatch(/\{zone\}/);
  });

  it('a required parameter left unset', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: ["{region}.example.com"]\n    ports: [443]\n    provenance: { document: x }\n`,
      {},
    );
    expect(err.code).toBe('PARAMETER_MISSING');
    expect(err.message).toMatch(/--set region=VALUE/);
  });

  it('a parameter value that breaks its pattern', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: ["{region}.example.com"]\n    ports: [443]\n    provenance: { document: x }\n`,
      {
        region: 'evil.com/x',
      },
    );
    expect(err.code).toBe('PARAMETER_INVALID');
  });

  it('a --set nobody declares', async () => {
    const err = await errorOf(
      `${header}  - id: a\n    hosts: [a.example.com]\n    ports: [443]\n    provenance: { document: x }\n`,
      {
        region: 'eastus',
        regoin: 'x',
      },
    );
    expect(err.code).toBe('PARAMETER_UNDECLARED');
    expect(err.message).toMatch(/regoin/);
  });

  it('a duplicate rule id', async () => {
    const rule = `  - id: a\n    hosts: [a.example.com]\n    ports: [443]\n    provenance: { document: x }\n`;
    const err = await errorOf(`${header}${rule}${rule}`);
    expect(err.line).toBe(13);
  });

  it('YAML syntax', async () => {
    const err = await errorOf(`${header}  - id: a\n    hosts: [a.example.com\n`);
    expect(err.code).toBe('YAML_SYNTAX');
  });

  it('an include cycle and an unknown profile', async () => {
    await writeFile(join(dir, 'q.yaml'), `name: q\ndescription: q\ninclude: [p]\nrules: []\n`);
    const cycle = await errorOf(`name: p\ndescription: p\ninclude: [q]\nrules: []\n`);
    expect(cycle.code).toBe('INCLUDE_CYCLE');
    const missing = await loadPolicy({ dir, profiles: ['nope'], parameters: {} }).catch((e: unknown) => e);
    expect((missing as PolicyError).code).toBe('PROFILE_NOT_FOUND');
  });
});

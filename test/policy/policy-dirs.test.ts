import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { PolicyError } from '../../src/policy/policy-error.js';

let shipped: string;
let custom: string;
const profile = (name: string, host: string): string =>
  `name: ${name}\ndescription: t\nrules:\n  - id: r\n    hosts: [${host}]\n    ports: [443]\n    provenance: { document: t }\n`;

beforeAll(async () => {
  shipped = await mkdtemp(join(tmpdir(), 'egressgate-shipped-'));
  custom = await mkdtemp(join(tmpdir(), 'egressgate-custom-'));
  await writeFile(join(shipped, 'vendor.yaml'), profile('vendor', 'old.example.com'));
  await writeFile(join(shipped, 'base.yaml'), profile('base', 'base.example.com'));
  await writeFile(join(custom, 'vendor.yaml'), profile('vendor', 'new.example.com'));
  await writeFile(join(custom, 'mine.yaml'), `${profile('mine', 'mine.example.com')}include: [base]\n`);
});
afterAll(async () => {
  await rm(shipped, { recursive: true, force: true });
  await rm(custom, { recursive: true, force: true });
});

describe('several profile directories', () => {
  it('a later directory replaces a profile of the same name, and includes reach across directories', async () => {
    const policy = await loadPolicy({ dir: [shipped, custom], profiles: ['vendor', 'mine'], parameters: {} });
    const verdict = (host: string): string => decide(policy, { host, port: 443 }, 'enforce').verdict;
    expect(verdict('new.example.com')).toBe('allow');
    expect(verdict('old.example.com')).toBe('deny');
    expect(verdict('mine.example.com')).toBe('allow');
    expect(verdict('base.example.com')).toBe('allow');
  });

  it('a profile in none of them names every directory searched', async () => {
    const err = await loadPolicy({ dir: [shipped, custom], profiles: ['absent'], parameters: {} }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).message).toContain(shipped);
    expect((err as PolicyError).message).toContain(custom);
  });
});

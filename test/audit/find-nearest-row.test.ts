import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocumentCatalog, type DocumentCatalog } from '../../src/audit/document-catalog.js';
import { findNearestRow } from '../../src/audit/find-nearest-row.js';
import { shippedPolicies } from './audit-fixture.js';

const seeds = '/work/shared/seeds';

/** The seed document a row cites, by its id (`003` -> 003_*.txt), so expectations come from it. */
async function seedText(document: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const file = (await readdir(seeds)).find((f) => f.startsWith(`${document}_`));
  return file ? readFile(join(seeds, file), 'utf8') : '';
}

describe('closest document row of a refused name (shipped profiles)', () => {
  let catalog: DocumentCatalog;
  beforeAll(async () => {
    catalog = await loadDocumentCatalog([shippedPolicies]);
  });

  it("names 003's *.pypi.org row beside a denied pypi.org: the apex a wildcard leaves out", async () => {
    const row = findNearestRow(catalog, 'pypi.org', 443);
    expect(row).toMatchObject({ relation: 'apex', document: '003', hosts: ['*.pypi.org'] });
    expect(row?.note).toBe('*.pypi.org covers names under pypi.org, not pypi.org itself');
    // The row it cites is in the document: the table line "Python package | 443 | *.pypi.org".
    const text = await seedText('003');
    expect(text).toContain(row?.entry ?? 'no entry');
    expect(row?.title).toBe('Azure Arc network requirements');
  });

  it('says when a documented name was refused on a port its row does not list', async () => {
    const row = findNearestRow(catalog, 'files.pythonhosted.org', 8443);
    expect(row).toMatchObject({ relation: 'matches', hosts: ['*.pythonhosted.org'] });
    expect(row?.note).toMatch(/not on 8443$/);
    expect(await seedText(row?.document ?? '')).toContain('pythonhosted.org');
  });

  it('finds a sibling under the deepest shared parent, and nothing for an unrelated domain', () => {
    const sibling = findNearestRow(catalog, 'newthing.kubernetesconfiguration.azure.com', 443);
    expect(sibling).toMatchObject({ relation: 'sibling', profile: 'azure-arc-kubernetes' });
    expect(sibling?.note).toMatch(/shares the parent kubernetesconfiguration\.azure\.com$/);
    const row = findNearestRow(catalog, 'eastus2.dp.kubernetesconfiguration.azure.com', 443);
    // `{region}.dp.kubernetesconfiguration.azure.com`: a parameter stands for one label.
    expect(row).toMatchObject({ relation: 'matches', profile: 'azure-arc-kubernetes' });
    expect(findNearestRow(catalog, 'www.example.org', 443)).toBeNull();
  });
});

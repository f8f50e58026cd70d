import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocumentCatalog, type DocumentCatalog } from '../../src/audit/document-catalog.js';
import { findNearestRow } from '../../src/audit/find-nearest-row.js';
import { resourceBridgeRows } from '../profiles/resource-bridge-rows.js';
import { shippedPolicies } from './audit-fixture.js';

/** The 003 row transcribed in test/profiles (from the seed document), not read back from the profile. */
function transcribed(pattern: string): {
  entry: string;
  names: readonly string[];
  ports: readonly number[];
} {
  const row = resourceBridgeRows.find((r) => r.names.includes(pattern));
  if (!row) throw new Error(`no transcribed 003 row names ${pattern}`);
  return row;
}

describe('closest document row of a refused name (shipped profiles)', () => {
  let catalog: DocumentCatalog;
  beforeAll(async () => {
    catalog = await loadDocumentCatalog([shippedPolicies]);
  });

  it("names 003's *.pythonhosted.org row beside a denied pythonhosted.org: the apex a wildcard leaves out", () => {
    const row = findNearestRow(catalog, 'pythonhosted.org', 443);
    expect(row).toMatchObject({ relation: 'apex', document: '003', hosts: ['*.pythonhosted.org'] });
    expect(row?.note).toBe(
      '*.pythonhosted.org covers names under pythonhosted.org, not pythonhosted.org itself',
    );
    // The row it cites is the document's table line "Azure CLI | 443 | *.pythonhosted.org".
    const doc = transcribed('*.pythonhosted.org');
    expect(doc.entry.endsWith(row?.entry ?? 'no entry')).toBe(true);
    expect(row?.ports).toEqual(doc.ports.map(String));
    expect(row?.title).toBe('Azure Arc network requirements');
  });

  it('a denied pypi.org names the row that lists pypi.org itself (read with *.pypi.org), not the apex', () => {
    const row = findNearestRow(catalog, 'pypi.org', 443);
    expect(row).toMatchObject({ relation: 'matches', document: '003' });
    expect(row?.hosts).toContain('pypi.org');
    expect(transcribed('*.pypi.org').names).toContain('pypi.org');
  });

  it('says when a documented name was refused on a port its row does not list', () => {
    const row = findNearestRow(catalog, 'files.pythonhosted.org', 8443);
    expect(row).toMatchObject({ relation: 'matches', hosts: ['*.pythonhosted.org'] });
    expect(row?.note).toMatch(/not on 8443$/);
    expect(transcribed('*.pythonhosted.org').ports).toEqual([443]);
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

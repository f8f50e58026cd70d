import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildAuditReport } from '../../src/audit/build-audit-report.js';
import type { AuditReport } from '../../src/audit/audit-report.js';
import { createPolicyView } from '../../src/audit/create-policy-view.js';
import { loadDocumentCatalog, type DocumentCatalog } from '../../src/audit/document-catalog.js';
import { readAuditInputs } from '../../src/audit/read-audit-inputs.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

export const fixturesDir = fileURLToPath(new URL('../fixtures/audit/', import.meta.url));
export const sessionLog = `${fixturesDir}session.log`;
export const fixturePolicies = `${fixturesDir}policies`;
export const shippedPolicies = fileURLToPath(new URL('../../policies', import.meta.url));
export const goldenDir = fileURLToPath(new URL('../golden/', import.meta.url));

/** The recorded Arc session, audited as `egressgate audit` would, optionally re-decided by arc-agents-v2. */
export async function auditSession(opts: {
  whatIf: boolean;
  files?: readonly string[];
}): Promise<AuditReport> {
  const inputs = await readAuditInputs({ files: opts.files ?? [sessionLog], stdin: Readable.from([]) });
  const parameters = { region: 'westeurope' };
  const policy = opts.whatIf
    ? createPolicyView(
        await loadPolicy({ dir: fixturePolicies, profiles: ['arc-agents-v2'], parameters }),
        ['arc-agents-v2'],
        parameters,
      )
    : null;
  const catalog = await fixtureCatalog();
  return buildAuditReport(inputs, { policy, wildcardMin: 3, suggestName: 'audit-suggested', catalog });
}

/** The document rows the CLI compares with: the shipped profiles, then the fixture's draft. */
export function fixtureCatalog(): Promise<DocumentCatalog> {
  return loadDocumentCatalog([shippedPolicies, fixturePolicies]);
}

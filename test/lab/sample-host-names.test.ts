import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { isSampleLabel, listLabEndpoints } from '../../src/lab/list-lab-endpoints.js';
import { sampleHostNames } from '../../src/lab/sample-host-names.js';
import { parseHostPattern } from '../../src/policy/host-pattern.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

const policiesDir = fileURLToPath(new URL('./policies/', import.meta.url));

function samples(source: string, label = 'lab', anyHost = false): readonly string[] {
  const parsed = parseHostPattern(source, { anyHost });
  if (!parsed.ok) throw new Error(parsed.error);
  return sampleHostNames(parsed.pattern, label);
}

describe('sampleHostNames', () => {
  it('names one concrete host per pattern kind', () => {
    expect(samples('Management.Azure.com')).toEqual(['management.azure.com']);
    expect(samples('*.servicebus.windows.net')).toEqual(['lab.servicebus.windows.net']);
    expect(samples('azgn*.servicebus.windows.net')).toEqual(['azgnlab.servicebus.windows.net']);
    expect(samples('.wdcp.microsoft.com')).toEqual(['wdcp.microsoft.com', 'lab.wdcp.microsoft.com']);
    expect(samples('*', 'lab', true)).toEqual([]);
  });

  it('uses the configured label', () => {
    expect(samples('*.blob.core.windows.net', 'rehearsal')).toEqual(['rehearsal.blob.core.windows.net']);
    expect(samples('a*b*.example.com', 'x')).toEqual(['axbx.example.com']);
  });

  it('accepts only one DNS label as a sample label', () => {
    expect(isSampleLabel('lab')).toBe(true);
    expect(isSampleLabel('lab-2')).toBe(true);
    for (const bad of ['', 'a.b', '-lab', 'lab-', 'LAB', 'l_b', 'x'.repeat(64)])
      expect(isSampleLabel(bad)).toBe(false);
  });
});

describe('listLabEndpoints', () => {
  it('lists every concrete name the profile allows, with its ports and rules, and no CIDRs', async () => {
    const policy = await loadPolicy({
      dir: policiesDir,
      profiles: ['lab-sim'],
      parameters: { region: 'westeurope' },
    });
    const endpoints = listLabEndpoints(policy, 'lab');
    expect(endpoints.map((e) => e.host)).toEqual([
      'management.azure.com',
      'westeurope.dp.kubernetesconfiguration.azure.com',
      'lab.servicebus.windows.net',
      'azgnlab.guestnotification.example.test',
      'wdcp.microsoft.com',
      'lab.wdcp.microsoft.com',
      'crl.microsoft.com',
    ]);
    expect(endpoints.find((e) => e.host === 'crl.microsoft.com')).toEqual({
      host: 'crl.microsoft.com',
      ports: ['80'],
      rules: ['lab-sim/crl'],
      sample: false,
    });
    expect(endpoints.find((e) => e.host === 'lab.servicebus.windows.net')?.sample).toBe(true);
    expect(endpoints.find((e) => e.host === 'wdcp.microsoft.com')?.sample).toBe(false);
  });
});

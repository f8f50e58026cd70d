import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('profiles show: conditions, service tags and protocol', () => {
  it('says which rules a feature, the platform or a missing Service Tags file leaves inactive, and why', async () => {
    const r = await runCli([
      ...['profiles', 'show', 'azure-api-management', '--set', 'region=westeurope,northeurope'],
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'azure-api-management/servicetag-azure-cloud-stv1: only for platform stv1 (platform is stv2)',
    );
    expect(r.stdout).toContain(
      'azure-api-management/servicetag-sql: service tag Sql.westeurope, Sql.northeurope needs the Service Tags file (serve config key servicetags)',
    );
    expect(r.stdout).toMatch(
      /azure-api-management\/sql {2}\*\.database\.windows\.net {2}ports 1433 {2}protocol tcp\n/,
    );
  });

  it('lists the rules a features value switches off', async () => {
    const r = await runCli([
      'profiles',
      'show',
      'azure-arc-servers',
      '--set',
      'region=eastus2',
      '--set',
      'features=esu',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'azure-arc-servers/ssh-wac-relay: only with features ssh or wac (features is esu)',
    );
    expect(r.stdout).toMatch(/azure-arc-servers\/esu-certificates {2}microsoft\.com {2}ports 443/);
  });
});

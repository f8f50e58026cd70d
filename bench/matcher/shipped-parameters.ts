/**
 * Values for every parameter the shipped profiles declare without a usable default, plus a few list
 * parameters filled in so their rules are active, as at a real site. Loading all profiles at once
 * shares one parameter set, as a gateway serving several products would.
 */
export const SHIPPED_PARAMETERS: Readonly<Record<string, string>> = {
  region: 'westeurope',
  scvmm_host: 'scvmm.contoso.local',
  vcenter_host: 'vcenter.contoso.local',
  crl_hosts: 'crl.contoso.com,pki.contoso.com',
  ldap_servers: 'dc1.contoso.local,dc2.contoso.local',
  adfs_hosts: 'adfs.contoso.com',
  diagnostic_blob_hosts: 'diagstore.blob.core.windows.net',
  git_hosts: 'git.contoso.com',
};

/** Only the parameters a profile set declares may be passed (the loader rejects the rest). */
export function parametersFor(declared: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(SHIPPED_PARAMETERS).filter(([k]) => declared.has(k)));
}

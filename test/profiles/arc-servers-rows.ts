import type { DocumentRow } from './document-row.js';

const URLS = '003 Azure Arc-enabled servers / URLs';
const ESU = '003 Subset of endpoints for ESU only';

// 003: "communicates outbound securely to Azure Arc over TCP port 443".
const row = (section: string, entry: string, names: readonly string[]): DocumentRow => ({
  entry: `${section} | ${entry}`,
  names,
  ports: [443],
});

/**
 * microsoft.com/pkiops/certs: the bare domain redirects to www.microsoft.com, so the profiles allow both
 * (an interpretation, listed in docs/profiles.md). Both rows carry it.
 */
const esuCertificates = (section: string): DocumentRow =>
  row(section, 'microsoft.com/pkiops/certs (interpreted: and www.microsoft.com after the redirect)', [
    'microsoft.com',
    'www.microsoft.com',
  ]);

export const arcServersRows: readonly DocumentRow[] = [
  row(URLS, 'aka.ms', ['aka.ms']),
  row(URLS, 'download.microsoft.com', ['download.microsoft.com']),
  row(URLS, 'packages.microsoft.com', ['packages.microsoft.com']),
  row(URLS, 'login.windows.net', ['login.windows.net']),
  row(URLS, 'login.microsoftonline.com', ['login.microsoftonline.com']),
  row(URLS, 'pas.windows.net', ['pas.windows.net']),
  row(URLS, 'management.azure.com', ['management.azure.com']),
  row(URLS, '*.his.arc.azure.com', ['*.his.arc.azure.com']),
  row(URLS, '*.guestconfiguration.azure.com', ['*.guestconfiguration.azure.com']),
  row(URLS, 'guestnotificationservice.azure.com , *.guestnotificationservice.azure.com', [
    'guestnotificationservice.azure.com',
    '*.guestnotificationservice.azure.com',
  ]),
  row(URLS, 'azgn*.servicebus.windows.net', ['azgn*.servicebus.windows.net']),
  row(URLS, '*.servicebus.windows.net', ['*.servicebus.windows.net']),
  row(URLS, '*.waconazure.com', ['*.waconazure.com']),
  row(URLS, '*.blob.core.windows.net', ['*.blob.core.windows.net']),
  row(URLS, 'dc.services.visualstudio.com', ['dc.services.visualstudio.com']),
  row(URLS, 'san-af-<region>-prod.azurewebsites.net', ['san-af-<region>-prod.azurewebsites.net']),
  row(URLS, 'telemetry.<region>.arcdataservices.com', ['telemetry.<region>.arcdataservices.com']),
  esuCertificates(URLS),
];

export const arcServersEsuRows: readonly DocumentRow[] = [
  row(ESU, 'aka.ms', ['aka.ms']),
  row(ESU, 'download.microsoft.com', ['download.microsoft.com']),
  row(ESU, 'login.windows.net', ['login.windows.net']),
  row(ESU, 'login.microsoftonline.com', ['login.microsoftonline.com']),
  row(ESU, 'management.azure.com', ['management.azure.com']),
  row(ESU, '*.his.arc.azure.com', ['*.his.arc.azure.com']),
  row(ESU, '*.guestconfiguration.azure.com', ['*.guestconfiguration.azure.com']),
  esuCertificates(ESU),
];

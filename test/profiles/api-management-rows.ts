import type { DocumentRow } from './document-row.js';

const metrics = (
  cloud: 'public' | 'usgov' | 'china',
  heading: string,
  names: readonly string[],
): DocumentRow => ({
  entry: `004 Metrics and health monitoring | ${heading} | ${names.join(' ')}`,
  names,
  // The FQDNs "are represented under the AzureMonitor service tag"; its rows read "* / 1886, 443".
  ports: [443, 1886],
  cloud,
});

/** 004 sections that name hosts. The Required ports tables name service tags only (see the test). */
export const apiManagementRows: readonly DocumentRow[] = [
  {
    entry:
      '004 TLS functionality | ports `80` and `443` to `ocsp.msocsp.com`, `oneocsp.msocsp.com`, `mscrl.microsoft.com`, `crl.microsoft.com`, and `csp.digicert.com`',
    names: [
      'ocsp.msocsp.com',
      'oneocsp.msocsp.com',
      'mscrl.microsoft.com',
      'crl.microsoft.com',
      'csp.digicert.com',
    ],
    ports: [80, 443],
  },
  {
    entry:
      '004 Microsoft Entra integration | port 443 to the following endpoints ...: `<region>.login.microsoft.com` and `login.microsoftonline.com`',
    names: ['<region>.login.microsoft.com', 'login.microsoftonline.com'],
    ports: [443],
  },
  metrics('public', 'Azure Public', [
    'gcs.prod.monitoring.core.windows.net',
    'global.prod.microsoftmetrics.com',
    'shoebox2.prod.microsoftmetrics.com',
    'shoebox2-red.prod.microsoftmetrics.com',
    'shoebox2-black.prod.microsoftmetrics.com',
    'prod3.prod.microsoftmetrics.com',
    'prod3-black.prod.microsoftmetrics.com',
    'prod3-red.prod.microsoftmetrics.com',
    'gcs.prod.warm.ingestion.monitoring.azure.com',
  ]),
  metrics('usgov', 'Azure Government', [
    'fairfax.warmpath.usgovcloudapi.net',
    'global.prod.microsoftmetrics.com',
    'shoebox2.prod.microsoftmetrics.com',
    'shoebox2-red.prod.microsoftmetrics.com',
    'shoebox2-black.prod.microsoftmetrics.com',
    'prod3.prod.microsoftmetrics.com',
    'prod3-black.prod.microsoftmetrics.com',
    'prod3-red.prod.microsoftmetrics.com',
    'prod5.prod.microsoftmetrics.com',
    'prod5-black.prod.microsoftmetrics.com',
    'prod5-red.prod.microsoftmetrics.com',
    'gcs.prod.warm.ingestion.monitoring.azure.us',
  ]),
  metrics('china', 'Microsoft Azure operated by 21Vianet', [
    'mooncake.warmpath.chinacloudapi.cn',
    'global.prod.microsoftmetrics.com',
    'shoebox2.prod.microsoftmetrics.com',
    'shoebox2-red.prod.microsoftmetrics.com',
    'shoebox2-black.prod.microsoftmetrics.com',
    'prod3.prod.microsoftmetrics.com',
    'prod3-red.prod.microsoftmetrics.com',
    'prod5.prod.microsoftmetrics.com',
    'prod5-black.prod.microsoftmetrics.com',
    'prod5-red.prod.microsoftmetrics.com',
    'gcs.prod.warm.ingestion.monitoring.azure.cn',
  ]),
  {
    // No port in the document; HTTPS 443 (an interpretation, docs/profiles.md).
    entry:
      '004 Developer portal CAPTCHA | resolves under the hosts `client.hip.live.com` and `partner.hip.live.com`',
    names: ['client.hip.live.com', 'partner.hip.live.com'],
    ports: [443],
  },
  {
    entry: '004 Azure portal diagnostics | outbound access to `dc.services.visualstudio.com` on port `443`',
    names: ['dc.services.visualstudio.com'],
    ports: [443],
  },
  {
    entry:
      '004 Internal infrastructure and diagnostics | port `443` ... for internal diagnostics: `azurewatsonanalysis-prod.core.windows.net`, `*.data.microsoft.com`, `azureprofiler.trafficmanager.net`, `shavamanifestazurecdnprod1.azureedge.net`, `shavamanifestcdnprod1.azureedge.net`',
    names: [
      'azurewatsonanalysis-prod.core.windows.net',
      '*.data.microsoft.com',
      'azureprofiler.trafficmanager.net',
      'shavamanifestazurecdnprod1.azureedge.net',
      'shavamanifestcdnprod1.azureedge.net',
    ],
    ports: [443],
  },
  {
    entry:
      '004 Internal infrastructure and diagnostics | port `443` ... for internal PKI: `issuer.pki.azure.com`',
    names: ['issuer.pki.azure.com'],
    ports: [443],
  },
  {
    entry:
      '004 Internal infrastructure and diagnostics | ports `80` and `443` ... for Windows Update: `*.update.microsoft.com`, `*.ctldl.windowsupdate.com`, `ctldl.windowsupdate.com`, `download.windowsupdate.com`',
    names: [
      '*.update.microsoft.com',
      '*.ctldl.windowsupdate.com',
      'ctldl.windowsupdate.com',
      'download.windowsupdate.com',
    ],
    ports: [80, 443],
  },
  {
    entry:
      '004 Internal infrastructure and diagnostics | ports `80` and `443` to the endpoint `go.microsoft.com`',
    names: ['go.microsoft.com'],
    ports: [80, 443],
  },
  {
    entry:
      '004 Internal infrastructure and diagnostics | port `443` ... for Windows Defender: `wdcp.microsoft.com`, `wdcpalt.microsoft.com `',
    names: ['wdcp.microsoft.com', 'wdcpalt.microsoft.com'],
    ports: [443],
  },
  // Required ports rows whose service has a public endpoint name: issue 11 names it, 004 names the tag.
  // Neither names a sovereign-cloud endpoint, so these rows are filed under public only.
  {
    entry:
      '004 Required ports | * / 443 | Outbound | TCP | VirtualNetwork / Storage (issue 11: `*.blob.core.windows.net`)',
    names: ['*.blob.core.windows.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry:
      '004 Required ports | * / 1433 | Outbound | TCP | VirtualNetwork / Sql (issue 11: `*.database.windows.net`)',
    names: ['*.database.windows.net'],
    ports: [1433],
    cloud: 'public',
  },
  {
    entry:
      '004 Required ports | * / 443 | Outbound | TCP | VirtualNetwork / AzureKeyVault (issue 11: `*.vault.azure.net`)',
    names: ['*.vault.azure.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry:
      '004 Required ports | * / 5671, 5672, 443 | Outbound | TCP | VirtualNetwork / EventHub (issue 11: `*.servicebus.windows.net`)',
    names: ['*.servicebus.windows.net'],
    ports: [5671, 5672, 443],
    cloud: 'public',
  },
];

import type { DocumentRow } from './document-row.js';

const T000 = '000 Ports and URLs (outbound)';
const T001 = '001 Outbound communication';

/**
 * 000 "Ports and URLs (outbound)". 000 has no per-cloud split; its Identity, Marketplace syndication,
 * Registration and Usage rows name the hosts 001 files under "**Azure**", so they count as the public
 * cloud. Patch & Update and Windows Defender are split by neither document and apply to every cloud.
 */
export const stackHub000Rows: readonly DocumentRow[] = [
  {
    entry: `${T000} | Identity | login.windows.net login.microsoftonline.com graph.windows.net https://secure.aadcdn.microsoftonline-p.com | HTTP HTTPS | 80 443`,
    names: [
      'login.windows.net',
      'login.microsoftonline.com',
      'graph.windows.net',
      'secure.aadcdn.microsoftonline-p.com',
    ],
    ports: [80, 443],
    cloud: 'public',
  },
  {
    entry: `${T000} | Marketplace syndication | https://management.azure.com https://*.blob.core.windows.net https://*.azureedge.net https://*.microsoftazurestack.com | HTTPS | 443`,
    names: [
      'management.azure.com',
      '*.blob.core.windows.net',
      '*.azureedge.net',
      '*.microsoftazurestack.com',
    ],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${T000} | Patch & Update | https://*.azureedge.net | HTTPS | 443`,
    names: ['*.azureedge.net'],
    ports: [443],
  },
  {
    entry: `${T000} | Registration | https://management.azure.com | HTTPS | 443`,
    names: ['management.azure.com'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${T000} | Usage | https://*.microsoftazurestack.com https://*.trafficmanager.net | HTTPS | 443`,
    names: ['*.microsoftazurestack.com', '*.trafficmanager.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${T000} | Windows Defender | .wdcp.microsoft.com .wdcpalt.microsoft.com *.updates.microsoft.com *.download.microsoft.com https://msdl.microsoft.com/download/symbols http://www.microsoft.com/pkiops/crl http://www.microsoft.com/pkiops/certs http://crl.microsoft.com/pki/crl/products http://www.microsoft.com/pki/certs https://secure.aadcdn.microsoftonline-p.com | HTTPS | 80 443`,
    names: [
      '.wdcp.microsoft.com',
      '.wdcpalt.microsoft.com',
      '*.updates.microsoft.com',
      '*.download.microsoft.com',
      'msdl.microsoft.com',
      'www.microsoft.com',
      'crl.microsoft.com',
      'secure.aadcdn.microsoftonline-p.com',
    ],
    ports: [80, 443],
  },
];

/** 001 "Outbound communication", per cloud heading where the document gives one. */
export const stackHub001Rows: readonly DocumentRow[] = [
  {
    entry: `${T001} | Identity | **Azure** login.windows.net login.microsoftonline.com graph.windows.net https://secure.aadcdn.microsoftonline-p.com www.office.com ManagementServiceUri = https://management.core.windows.net ARMUri = https://management.azure.com https://*.msftauth.net https://*.msauth.net https://*.msocdn.com | 80 443`,
    names: [
      'login.windows.net',
      'login.microsoftonline.com',
      'graph.windows.net',
      'secure.aadcdn.microsoftonline-p.com',
      'www.office.com',
      'management.core.windows.net',
      'management.azure.com',
      '*.msftauth.net',
      '*.msauth.net',
      '*.msocdn.com',
    ],
    ports: [80, 443],
    cloud: 'public',
  },
  {
    entry: `${T001} | Identity | **Azure Government** https://login.microsoftonline.us/ https://graph.windows.net/ | 80 443`,
    names: ['login.microsoftonline.us', 'graph.windows.net'],
    ports: [80, 443],
    cloud: 'usgov',
  },
  {
    entry: `${T001} | Identity | **Azure China 21Vianet** https://login.chinacloudapi.cn/ https://graph.chinacloudapi.cn/ | 80 443`,
    names: ['login.chinacloudapi.cn', 'graph.chinacloudapi.cn'],
    ports: [80, 443],
    cloud: 'china',
  },
  {
    entry: `${T001} | Identity | **Azure Germany** https://login.microsoftonline.de/ https://graph.cloudapi.de/ | 80 443`,
    names: ['login.microsoftonline.de', 'graph.cloudapi.de'],
    ports: [80, 443],
    cloud: 'germany',
  },
  {
    entry: `${T001} | Marketplace syndication | **Azure** https://management.azure.com https://*.blob.core.windows.net https://*.azureedge.net | 443`,
    names: ['management.azure.com', '*.blob.core.windows.net', '*.azureedge.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${T001} | Marketplace syndication | **Azure Government** https://management.usgovcloudapi.net/ https://*.blob.core.usgovcloudapi.net/ | 443`,
    names: ['management.usgovcloudapi.net', '*.blob.core.usgovcloudapi.net'],
    ports: [443],
    cloud: 'usgov',
  },
  {
    // Written http:// in a row whose Ports column is 443: the Ports column is what the row opens.
    entry: `${T001} | Marketplace syndication | **Azure China 21Vianet** https://management.chinacloudapi.cn/ http://*.blob.core.chinacloudapi.cn | 443`,
    names: ['management.chinacloudapi.cn', '*.blob.core.chinacloudapi.cn'],
    ports: [443],
    cloud: 'china',
  },
  {
    entry: `${T001} | Patch & Update | https://*.azureedge.net https://aka.ms/azurestackautomaticupdate | HTTPS | 443`,
    names: ['*.azureedge.net', 'aka.ms'],
    ports: [443],
  },
  {
    entry: `${T001} | Registration | **Azure** https://management.azure.com | 443`,
    names: ['management.azure.com'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${T001} | Registration | **Azure Government** https://management.usgovcloudapi.net/ | 443`,
    names: ['management.usgovcloudapi.net'],
    ports: [443],
    cloud: 'usgov',
  },
  {
    entry: `${T001} | Registration | **Azure China 21Vianet** https://management.chinacloudapi.cn | 443`,
    names: ['management.chinacloudapi.cn'],
    ports: [443],
    cloud: 'china',
  },
  {
    entry: `${T001} | Usage | **Azure** https://*.trafficmanager.net | 443`,
    names: ['*.trafficmanager.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${T001} | Usage | **Azure Government** https://*.usgovtrafficmanager.net | 443`,
    names: ['*.usgovtrafficmanager.net'],
    ports: [443],
    cloud: 'usgov',
  },
  {
    entry: `${T001} | Usage | **Azure China 21Vianet** https://*.trafficmanager.cn | 443`,
    names: ['*.trafficmanager.cn'],
    ports: [443],
    cloud: 'china',
  },
  {
    entry: `${T001} | Windows Defender | *.wdcp.microsoft.com *.wdcpalt.microsoft.com *.wd.microsoft.com *.update.microsoft.com *.download.microsoft.com https://www.microsoft.com/pkiops/crl https://www.microsoft.com/pkiops/certs https://crl.microsoft.com/pki/crl/products https://www.microsoft.com/pki/certs https://secure.aadcdn.microsoftonline-p.com | HTTPS | 80 443`,
    names: [
      '*.wdcp.microsoft.com',
      '*.wdcpalt.microsoft.com',
      '*.wd.microsoft.com',
      '*.update.microsoft.com',
      '*.download.microsoft.com',
      'www.microsoft.com',
      'crl.microsoft.com',
      'secure.aadcdn.microsoftonline-p.com',
    ],
    ports: [80, 443],
  },
  {
    entry: `${T001} | CRL | (URL under CRL Distribution Points on your certificate) | HTTP | 80`,
    names: ['<crl>'],
    ports: [80],
  },
  {
    entry: `${T001} | LDAP | Active Directory Forest provided for Graph integration | TCP UDP | 389`,
    names: ['<ldap>'],
    ports: [389],
  },
  {
    entry: `${T001} | LDAP SSL | Active Directory Forest provided for Graph integration | TCP | 636`,
    names: ['<ldap>'],
    ports: [636],
  },
  {
    entry: `${T001} | LDAP GC | Active Directory Forest provided for Graph integration | TCP | 3268`,
    names: ['<ldap>'],
    ports: [3268],
  },
  {
    entry: `${T001} | LDAP GC SSL | Active Directory Forest provided for Graph integration | TCP | 3269`,
    names: ['<ldap>'],
    ports: [3269],
  },
  {
    entry: `${T001} | AD FS | AD FS metadata endpoint provided for AD FS integration | TCP | 443`,
    names: ['<adfs>'],
    ports: [443],
  },
  {
    entry: `${T001} | Diagnostic Log collection service | Azure Storage provided Blob SAS URL | HTTPS | 443`,
    names: ['<diagnostic_blob>'],
    ports: [443],
  },
];

import type { DocumentRow } from './document-row.js';

const MU = '002 Microsoft Update connectivity requirements';
const REC = '002 Connectivity recommendations';
const DAILY = '002 Required endpoint daily access';

/** 002's Microsoft Update bullets, each on the port its scheme implies (http:// 80, https:// 443). */
const microsoftUpdateBullets: readonly (readonly [string, string, number])[] = [
  ['http://windowsupdate.microsoft.com', 'windowsupdate.microsoft.com', 80],
  ['http://*.windowsupdate.microsoft.com', '*.windowsupdate.microsoft.com', 80],
  ['https://*.windowsupdate.microsoft.com', '*.windowsupdate.microsoft.com', 443],
  ['http://*.update.microsoft.com', '*.update.microsoft.com', 80],
  ['https://*.update.microsoft.com', '*.update.microsoft.com', 443],
  ['http://*.windowsupdate.com', '*.windowsupdate.com', 80],
  ['http://download.windowsupdate.com', 'download.windowsupdate.com', 80],
  ['https://download.microsoft.com', 'download.microsoft.com', 443],
  ['http://*.download.windowsupdate.com', '*.download.windowsupdate.com', 80],
  ['http://wustat.windows.com', 'wustat.windows.com', 80],
  ['http://ntservicepack.microsoft.com', 'ntservicepack.microsoft.com', 80],
  ['http://go.microsoft.com', 'go.microsoft.com', 80],
  ['http://dl.delivery.mp.microsoft.com', 'dl.delivery.mp.microsoft.com', 80],
  ['https://dl.delivery.mp.microsoft.com', 'dl.delivery.mp.microsoft.com', 443],
];
const microsoftUpdate: readonly DocumentRow[] = microsoftUpdateBullets.map(([entry, name, port]) => ({
  entry: `${MU} | ${entry}`,
  names: [name],
  ports: [port],
}));

/** 002 "Connectivity recommendations": Description | URL | Port. */
const recommendationRows: readonly (readonly [string, string, string])[] = [
  ['Azure portal URL for proxy bypass', '*.aadcdn.microsoftonline-p.com', '80,443'],
  ['Azure portal URL for proxy bypass', '*.aka.ms', '80,443'],
  ['Azure portal URL for proxy bypass', '*.applicationinsights.io', '80,443'],
  ['Azure portal URL for proxy bypass', '*.azure.com', '80,443'],
  ['Azure portal URL for proxy bypass', '*.azure.net', '80,443'],
  ['Azure Stack HCI Cloud Service', '*.azurefd.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.azure-api.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.azuredatalakestore.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.azureedge.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.loganalytics.io', '80,443'],
  ['Azure portal URL for proxy bypass', '*.microsoft.com', '80,443'],
  ['Azure portal URL for proxy bypass', '*.microsoftonline.com', '80,443'],
  ['Azure portal URL for proxy bypass', '*.microsoftonline-p.com', '80,443'],
  ['Azure portal URL for proxy bypass', '*.msauth.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.msftauth.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.trafficmanager.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.visualstudio.com', '80,443'],
  ['Azure portal URL for proxy bypass', '*.windows.net', '80,443'],
  ['Azure portal URL for proxy bypass', '*.windows-int.net', '80,443'],
  ['Windows Update', '*.windowsupdate.com', '80,443'],
  ['Microsoft Office', 'www.office.com', '80,443'],
  ['Azure Automation service for Azure management tasks', '*.azure-automation.net', '80,443'],
  ['Agent to download Helm binaries', '*.helm.sh', '443'],
  ['Cloud Init service to download Kubernetes binaries', 'storage.googleapis.com', '443'],
  ['Windows Admin Center to download Azure CLI', 'aka.ms/installazurecliwindows', '443'],
  ['Kubernetes service to download container images', 'ecpacr.azurecr.io', '443'],
  // "git://:9418" names no host: the test supplies one through the git_hosts parameter.
  ['TCP to support Azure Arc agents', 'git://:9418', '9418'],
  ['PowerShell Gallery central repository', '*.powershellgallery.com', '80,443'],
  ['Web-hosting platform that supports multiple technologies', '*.azurewebsites.net', '443'],
  ['Content Delivery Network (CDN) downloads', '*.msecnd.net', '443'],
];
const recommendations: readonly DocumentRow[] = recommendationRows.map(([description, url, ports]) => ({
  entry: `${REC} | ${description} | ${url} | ${ports}`,
  names: [url.startsWith('git://') ? '<git>' : url.replace(/\/.*$/, '')],
  ports: ports.split(',').map(Number),
}));

/** 002 "Required endpoint daily access": the URL column (public) and the Azure China URL column. */
const daily: readonly DocumentRow[] = [
  {
    entry: `${DAILY} | Azure Active Directory | URL | https://login.microsoftonline.com https://graph.microsoft.com https://graph.windows.net`,
    names: ['login.microsoftonline.com', 'graph.microsoft.com', 'graph.windows.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${DAILY} | Azure Active Directory | Azure China URL | https://login.partner.microsoftonline.cn https://microsoftgraph.chinacloudapi.cn https://graph.chinacloudapi.cn`,
    names: ['login.partner.microsoftonline.cn', 'microsoftgraph.chinacloudapi.cn', 'graph.chinacloudapi.cn'],
    ports: [443],
    cloud: 'china',
  },
  {
    entry: `${DAILY} | Azure Resource Manager | URL | https://management.azure.com`,
    names: ['management.azure.com'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${DAILY} | Azure Resource Manager | Azure China URL | https://management.chinacloudapi.cn`,
    names: ['management.chinacloudapi.cn'],
    ports: [443],
    cloud: 'china',
  },
  {
    entry: `${DAILY} | Azure Stack HCI Cloud Service | URL | https://azurestackhci.azurefd.net`,
    names: ['azurestackhci.azurefd.net'],
    ports: [443],
    cloud: 'public',
  },
  {
    entry: `${DAILY} | Azure Stack HCI Cloud Service | Azure China URL | https://dp.stackhci.azure.cn`,
    names: ['dp.stackhci.azure.cn'],
    ports: [443],
    cloud: 'china',
  },
  {
    entry: `${DAILY} | Azure Arc | URL | Hybrid Identity Service: *.his.arc.azure.com Guest Configuration: *.guestconfiguration.azure.com`,
    names: ['*.his.arc.azure.com', '*.guestconfiguration.azure.com'],
    ports: [443],
    cloud: 'public',
  },
  // Azure Arc, Azure China URL: "Coming soon." - nothing to allow.
];

export const stackHciRows: readonly DocumentRow[] = [...microsoftUpdate, ...recommendations, ...daily];

import type { DocumentRow } from './document-row.js';

const RB = '003 Azure Arc resource bridge / Firewall/Proxy URL allowlist';

/** 003 "Firewall/Proxy URL allowlist" of Azure Arc resource bridge: Service | Port | URL. */
export const resourceBridgeRows: readonly DocumentRow[] = [
  {
    entry: `${RB} | SFS API endpoint | 443 | msk8s.api.cdp.microsoft.com`,
    names: ['msk8s.api.cdp.microsoft.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Resource bridge (appliance) Dataplane service | 443 | https://*.dp.prod.appliances.azure.com`,
    names: ['*.dp.prod.appliances.azure.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Resource bridge (appliance) container image download | 443 | *.blob.core.windows.net, https://ecpacr.azurecr.io`,
    names: ['*.blob.core.windows.net', 'ecpacr.azurecr.io'],
    ports: [443],
  },
  {
    entry: `${RB} | Managed Identity | 443 | *.his.arc.azure.com`,
    names: ['*.his.arc.azure.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Resource bridge (appliance) image download | 80 | msk8s.b.tlu.dl.delivery.mp.microsoft.com`,
    names: ['msk8s.b.tlu.dl.delivery.mp.microsoft.com'],
    ports: [80],
  },
  {
    entry: `${RB} | Resource bridge (appliance) image download | 443 | msk8s.sb.tlu.dl.delivery.mp.microsoft.com`,
    names: ['msk8s.sb.tlu.dl.delivery.mp.microsoft.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Azure Arc for Kubernetes container image download | 443 | https://azurearcfork8s.azurecr.io`,
    names: ['azurearcfork8s.azurecr.io'],
    ports: [443],
  },
  {
    entry: `${RB} | ADHS telemetry service | 443 | adhs.events.data.microsoft.com`,
    names: ['adhs.events.data.microsoft.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Microsoft events data service | 443 | v20.events.data.microsoft.com`,
    names: ['v20.events.data.microsoft.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Log collection for Arc Resource Bridge | 443 | linuxgeneva-microsoft.azurecr.io`,
    names: ['linuxgeneva-microsoft.azurecr.io'],
    ports: [443],
  },
  {
    entry: `${RB} | Azure Arc for Kubernetes container image download | 443 | https://azurearcfork8sdev.azurecr.io`,
    names: ['azurearcfork8sdev.azurecr.io'],
    ports: [443],
  },
  {
    entry: `${RB} | Resource bridge components download | 443 | kvamanagementoperator.azurecr.io`,
    names: ['kvamanagementoperator.azurecr.io'],
    ports: [443],
  },
  {
    entry: `${RB} | Microsoft Container Registry | 443 | https://mcr.microsoft.com`,
    names: ['mcr.microsoft.com'],
    ports: [443],
  },
  {
    entry: `${RB} | Microsoft open source packages manager | 443 | packages.microsoft.com`,
    names: ['packages.microsoft.com'],
    ports: [443],
  },
  { entry: `${RB} | Custom Locations | 443 | sts.windows.net`, names: ['sts.windows.net'], ports: [443] },
  { entry: `${RB} | Python package | 443 | *.pypi.org`, names: ['*.pypi.org'], ports: [443] },
  { entry: `${RB} | Azure CLI | 443 | *.pythonhosted.org`, names: ['*.pythonhosted.org'], ports: [443] },
  {
    entry: `${RB} | Diagnostic data | 443 | gcs.prod.monitoring.core.windows.net`,
    names: ['gcs.prod.monitoring.core.windows.net'],
    ports: [443],
  },
];

/** Names from neighbouring Arc tables that the resource bridge table does not list. */
export const notResourceBridgeNames: readonly string[] = [
  'management.azure.com',
  'login.microsoftonline.com',
  'msk8s.tlu.dl.delivery.mp.microsoft.com',
  'dl.delivery.mp.microsoft.com',
  'pypi.org',
  'management.usgovcloudapi.net',
  'login.chinacloudapi.cn',
];

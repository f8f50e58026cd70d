import type { DocumentRow } from './document-row.js';

const RB = '003 Azure Arc resource bridge / Firewall/Proxy URL allowlist';
const K8S = '003 Azure Arc-enabled Kubernetes endpoints';

/**
 * 003 "Firewall/Proxy URL allowlist" of Azure Arc resource bridge: Service | Port | URL; plus the identity
 * rows of the Kubernetes table, which 003 says are "required for all Kubernetes-based Arc offerings"
 * (issue 11: the bridge denied them). `<region>` stays unset: the bridge has no region.
 */
export const resourceBridgeRows: readonly DocumentRow[] = [
  {
    entry: `${K8S} | https://management.azure.com | Required for the agent to connect to Azure and register the cluster`,
    names: ['management.azure.com'],
    ports: [443],
  },
  {
    entry: `${K8S} | https://login.microsoftonline.com https://<region>.login.microsoft.com login.windows.net | Required to fetch and update Azure Resource Manager tokens`,
    names: ['login.microsoftonline.com', '<region>.login.microsoft.com', 'login.windows.net'],
    ports: [443],
  },
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
  // Issue 11: `*.pypi.org` as written leaves out pypi.org, the index itself; the apex is read as included.
  { entry: `${RB} | Python package | 443 | *.pypi.org`, names: ['*.pypi.org', 'pypi.org'], ports: [443] },
  { entry: `${RB} | Azure CLI | 443 | *.pythonhosted.org`, names: ['*.pythonhosted.org'], ports: [443] },
  {
    entry: `${RB} | Diagnostic data | 443 | gcs.prod.monitoring.core.windows.net`,
    names: ['gcs.prod.monitoring.core.windows.net'],
    ports: [443],
  },
];

/** Names from neighbouring Arc tables that the resource bridge table does not list. */
export const notResourceBridgeNames: readonly string[] = [
  'westeurope.login.microsoft.com',
  'graph.microsoft.com',
  'msk8s.tlu.dl.delivery.mp.microsoft.com',
  'dl.delivery.mp.microsoft.com',
  'files.pythonhosted.org.evil.example',
  'management.usgovcloudapi.net',
  'login.chinacloudapi.cn',
];

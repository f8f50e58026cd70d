import type { DocumentRow } from './document-row.js';

const K8S = '003 Azure Arc-enabled Kubernetes endpoints';

/**
 * 003 "Azure Arc-enabled Kubernetes endpoints", row by row. "Azure Arc agents require the following
 * outbound URLs on https://:443", so 443 unless an entry names its own port.
 */
export const arcKubernetesRows: readonly DocumentRow[] = [
  { entry: `${K8S} | https://management.azure.com`, names: ['management.azure.com'], ports: [443] },
  {
    entry: `${K8S} | https://<region>.dp.kubernetesconfiguration.azure.com`,
    names: ['<region>.dp.kubernetesconfiguration.azure.com'],
    ports: [443],
  },
  {
    entry: `${K8S} | https://login.microsoftonline.com https://<region>.login.microsoft.com login.windows.net`,
    names: ['login.microsoftonline.com', '<region>.login.microsoft.com', 'login.windows.net'],
    ports: [443],
  },
  {
    entry: `${K8S} | https://mcr.microsoft.com https://*.data.mcr.microsoft.com`,
    names: ['mcr.microsoft.com', '*.data.mcr.microsoft.com'],
    ports: [443],
  },
  { entry: `${K8S} | https://gbl.his.arc.azure.com`, names: ['gbl.his.arc.azure.com'], ports: [443] },
  { entry: `${K8S} | https://*.his.arc.azure.com`, names: ['*.his.arc.azure.com'], ports: [443] },
  {
    entry: `${K8S} | https://k8connecthelm.azureedge.net`,
    names: ['k8connecthelm.azureedge.net'],
    ports: [443],
  },
  {
    entry: `${K8S} | guestnotificationservice.azure.com *.guestnotificationservice.azure.com sts.windows.net https://k8sconnectcsp.azureedge.net`,
    names: [
      'guestnotificationservice.azure.com',
      '*.guestnotificationservice.azure.com',
      'sts.windows.net',
      'k8sconnectcsp.azureedge.net',
    ],
    ports: [443],
  },
  { entry: `${K8S} | *.servicebus.windows.net`, names: ['*.servicebus.windows.net'], ports: [443] },
  { entry: `${K8S} | https://graph.microsoft.com/`, names: ['graph.microsoft.com'], ports: [443] },
  { entry: `${K8S} | *.arc.azure.net`, names: ['*.arc.azure.net'], ports: [443] },
  {
    entry: `${K8S} | https://<region>.obo.arc.azure.com:8084/`,
    names: ['<region>.obo.arc.azure.com'],
    ports: [8084],
  },
  { entry: `${K8S} | dl.k8s.io`, names: ['dl.k8s.io'], ports: [443] },
];

/** Public-cloud names' counterparts in other clouds (001, 004), which 003 does not list. */
export const otherCloudNames: readonly string[] = [
  'management.usgovcloudapi.net',
  'management.chinacloudapi.cn',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
  'graph.chinacloudapi.cn',
  'fairfax.warmpath.usgovcloudapi.net',
];

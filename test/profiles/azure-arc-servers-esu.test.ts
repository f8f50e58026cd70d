import { otherCloudNames } from './arc-kubernetes-rows.js';
import { arcServersEsuRows } from './arc-servers-rows.js';
import { describeDocumentTable } from './describe-document-table.js';

describeDocumentTable('azure-arc-servers-esu (003 ESU subset)', {
  profiles: ['azure-arc-servers-esu'],
  parameters: {},
  cloud: 'public',
  placeholders: {},
  rows: arcServersEsuRows,
  foreignNames: [
    ...otherCloudNames,
    // In the full Arc-enabled servers table but not in "Subset of endpoints for ESU only".
    'packages.microsoft.com',
    'pas.windows.net',
    'guestnotificationservice.azure.com',
    'azgn1.servicebus.windows.net',
    'relay.servicebus.windows.net',
    'gateway.waconazure.com',
    'acct.blob.core.windows.net',
    'dc.services.visualstudio.com',
  ],
});

import { describeDocumentTable } from './describe-document-table.js';
import { notResourceBridgeNames, resourceBridgeRows } from './resource-bridge-rows.js';

describeDocumentTable('azure-arc-resource-bridge (003)', {
  profiles: ['azure-arc-resource-bridge'],
  parameters: {},
  cloud: 'public',
  placeholders: {},
  rows: resourceBridgeRows,
  foreignNames: notResourceBridgeNames,
});

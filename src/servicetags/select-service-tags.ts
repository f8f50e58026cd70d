import type { ServiceTag, ServiceTagsFile } from './parse-service-tags.js';
import { ServiceTagsError } from './service-tags-error.js';

/**
 * The tags asked for, by exact name (`AzureCloud` or `AzureCloud.westeurope`, any case), in the order
 * asked, each once. An unknown name lists near matches, since region spellings are easy to get wrong.
 */
export function selectServiceTags(file: ServiceTagsFile, requested: readonly string[]): ServiceTag[] {
  const byName = new Map(file.values.map((v) => [v.name.toLowerCase(), v]));
  const out: ServiceTag[] = [];
  for (const want of requested) {
    const tag = byName.get(want.toLowerCase());
    if (!tag) {
      const base = want.split('.')[0]?.toLowerCase() ?? '';
      const near = file.values.map((v) => v.name).filter((n) => n.toLowerCase().startsWith(base));
      const hint =
        near.length > 0
          ? `; this file has: ${near.slice(0, 8).join(', ')}${near.length > 8 ? ', ...' : ''}`
          : '';
      throw new ServiceTagsError('TAG_NOT_FOUND', `no service tag '${want}' in the file${hint}`);
    }
    if (tag.addressPrefixes.length === 0) {
      throw new ServiceTagsError(
        'TAG_EMPTY',
        `service tag '${tag.name}' has no address prefixes in this file`,
      );
    }
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseServiceTags, type ServiceTagsFile } from './parse-service-tags.js';
import { ServiceTagsError } from './service-tags-error.js';

/** Reads and validates an "Azure IP Ranges and Service Tags" JSON file; errors name the file. */
export async function readServiceTagsFile(file: string): Promise<ServiceTagsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ServiceTagsError(
      'FILE_UNREADABLE',
      `servicetags: cannot read ${file}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseServiceTags(text, basename(file));
}

import { selectServiceTags } from '../servicetags/select-service-tags.js';
import type { ServiceTagsFile } from '../servicetags/parse-service-tags.js';
import { ServiceTagsError } from '../servicetags/service-tags-error.js';
import { type Cidr } from '../address/read-cidr.js';
import { parseCidr } from './parse-cidr.js';
import { PolicyError } from './policy-error.js';

/**
 * The address ranges of the named service tags (`Sql`, `Sql.westeurope`: region names compare without
 * case, as the published file writes `Sql.WestEurope`). A tag the file lacks is an error naming the tag
 * and the file's near matches, so a misspelt region never leaves a required rule empty.
 */
export function expandServiceTags(
  tags: readonly string[],
  file: ServiceTagsFile,
  where: { ruleId: string; file: string; line: number | null },
): Cidr[] {
  let prefixes: string[];
  try {
    prefixes = selectServiceTags(file, tags).flatMap((t) => t.addressPrefixes);
  } catch (err) {
    if (!(err instanceof ServiceTagsError)) throw err;
    throw new PolicyError(
      'SERVICE_TAG_NOT_FOUND',
      `rule '${where.ruleId}': ${err.message} (Service Tags file changeNumber ${file.changeNumber}, cloud ${file.cloud})`,
      { file: where.file, line: where.line },
    );
  }
  const cidrs: Cidr[] = [];
  for (const prefix of prefixes) {
    const parsed = parseCidr(prefix);
    if (!parsed.ok) {
      throw new PolicyError('BAD_CIDR', `rule '${where.ruleId}': service tag range ${parsed.error}`, where);
    }
    cidrs.push(parsed.cidr);
  }
  return cidrs;
}

import { ServiceTagsError } from './service-tags-error.js';

/** One entry of Microsoft's "Azure IP Ranges and Service Tags" file, the fields egressgate uses. */
export interface ServiceTag {
  /** `AzureCloud` (all regions) or `AzureCloud.westeurope`. */
  readonly name: string;
  readonly changeNumber: number;
  /** Empty for a global tag. */
  readonly region: string;
  readonly systemService: string;
  readonly addressPrefixes: readonly string[];
}

export interface ServiceTagsFile {
  readonly changeNumber: number;
  readonly cloud: string;
  readonly values: readonly ServiceTag[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(file: string, what: string): ServiceTagsError {
  return new ServiceTagsError(
    'NOT_SERVICE_TAGS',
    `${file}: ${what}; expected Microsoft's "Azure IP Ranges and Service Tags" JSON ({ changeNumber, cloud, values: [...] })`,
  );
}

function parseTag(v: unknown, index: number, file: string): ServiceTag {
  const at = `values[${index}]`;
  if (!isObject(v) || typeof v['name'] !== 'string' || v['name'] === '') throw bad(file, `${at} has no name`);
  const p = v['properties'];
  if (!isObject(p)) throw bad(file, `${at} (${v['name']}) has no properties`);
  const prefixes = p['addressPrefixes'];
  if (!Array.isArray(prefixes) || !prefixes.every((x) => typeof x === 'string')) {
    throw bad(file, `${at}.properties.addressPrefixes (${v['name']}) is not a list of strings`);
  }
  return {
    name: v['name'],
    changeNumber: typeof p['changeNumber'] === 'number' ? p['changeNumber'] : 0,
    region: typeof p['region'] === 'string' ? p['region'] : '',
    systemService: typeof p['systemService'] === 'string' ? p['systemService'] : '',
    addressPrefixes: prefixes,
  };
}

/** Validates the parts of the file the import relies on; unknown fields are ignored, as new ones appear. */
export function parseServiceTags(text: string, file: string): ServiceTagsFile {
  let data: unknown;
  try {
    // The published file starts with a UTF-8 BOM.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw bad(file, `not JSON (${(err as Error).message})`);
  }
  if (!isObject(data)) throw bad(file, 'not a JSON object');
  if (!Array.isArray(data['values'])) throw bad(file, "no 'values' list");
  return {
    changeNumber: typeof data['changeNumber'] === 'number' ? data['changeNumber'] : 0,
    cloud: typeof data['cloud'] === 'string' ? data['cloud'] : 'unknown',
    values: data['values'].map((v, i) => parseTag(v, i, file)),
  };
}

import { collectList } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';

/** `--policies DIR` as every command declares it: repeatable, searched in order like the config's list. */
export const POLICIES_FLAG = [
  '--policies <dir>',
  'directory of profiles (repeatable: a profile in a later one replaces one of the same name; default: the shipped policies/)',
  collectList,
  [] as string[],
] as const;

/** The directories given, or the shipped policies/ when none was. */
export function policiesDirs(given: readonly string[] | undefined): readonly string[] {
  return given !== undefined && given.length > 0 ? given : [defaultPoliciesDir()];
}

import { PolicyError } from './policy-error.js';
import type { LoadedProfile } from './profile-document.js';
import { suggestValue } from './suggest-key.js';

export type ParameterValue = string | readonly string[];

/**
 * The value of every parameter a profile declares: given, else its default. A parameter with no value
 * is an error here, before any rule is built, so no rule is ever skipped silently. `allowedElsewhere`
 * holds, per list parameter, the values another selected profile allows (`features=ssh,rbac` for Arc
 * servers and Kubernetes together): this profile ignores those instead of refusing them.
 */
export function resolveParameters(
  profile: LoadedProfile,
  given: Readonly<Record<string, string>>,
  allowedElsewhere: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): ReadonlyMap<string, ParameterValue> {
  const values = new Map<string, ParameterValue>();
  const { document, locate, file } = profile;
  for (const [name, decl] of Object.entries(document.parameters ?? {})) {
    const line = locate(['parameters', name]);
    const raw = given[name];
    const isList = decl.type === 'list';
    let value: ParameterValue | undefined;
    if (raw !== undefined) {
      value = isList
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : raw.trim();
    } else if (decl.default !== undefined) {
      value = decl.default;
    }
    if (isList && typeof value === 'object' && decl.allowed) {
      const mine = decl.allowed;
      const others = allowedElsewhere.get(name);
      value = value.filter((item: string) => mine.includes(item) || others?.has(item) !== true);
    }
    if (value === undefined || (!isList && value === '') || (decl.required === true && value.length === 0)) {
      throw new PolicyError(
        'PARAMETER_MISSING',
        `profile '${document.name}' needs parameter '${name}' (${decl.description}); add --set ${name}=VALUE`,
        { file, line, parameter: name },
      );
    }
    if (isList !== Array.isArray(value)) {
      throw new PolicyError(
        'PARAMETER_INVALID',
        `parameter '${name}' is a ${isList ? 'list' : 'string'}; its default must be one too`,
        { file, line },
      );
    }
    // A given value at fault names the parameter, so a config file can point at its own line.
    const at = raw === undefined ? { file, line } : { file, line, parameter: name };
    for (const item of typeof value === 'string' ? [value] : value) {
      if (decl.allowed && !decl.allowed.includes(item)) {
        throw new PolicyError(
          'PARAMETER_INVALID',
          `parameter '${name}' is '${item}'; write one of: ${decl.allowed.join(', ')}${didYouMean(item, decl)}`,
          at,
        );
      }
      if (decl.pattern && !new RegExp(decl.pattern).test(item)) {
        throw new PolicyError(
          'PARAMETER_INVALID',
          `parameter '${name}' is '${item}', which does not match ${decl.pattern}${didYouMean(item, decl)}`,
          at,
        );
      }
    }
    values.set(name, value);
  }
  return values;
}

function didYouMean(item: string, decl: { allowed?: readonly string[]; pattern?: string }): string {
  const better = suggestValue(item, decl);
  return better === null ? '' : `; did you mean '${better}'?`;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Expands `{name}` placeholders. A list parameter yields one string per value (none when the list is
 * empty); using an undeclared parameter is an error naming the file and line.
 */
export function substitute(
  text: string,
  values: ReadonlyMap<string, ParameterValue>,
  where: { profile: LoadedProfile; path: readonly (string | number)[] },
): string[] {
  let results = [''];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    const value = values.get(name);
    if (value === undefined) {
      throw new PolicyError(
        'PARAMETER_UNDECLARED',
        `'${text}' uses parameter '{${name}}', which profile '${where.profile.document.name}' does not declare; add it under 'parameters'`,
        { file: where.profile.file, line: where.profile.locate(where.path) },
      );
    }
    const literal = text.slice(last, match.index);
    const options = typeof value === 'string' ? [value] : value;
    results = results.flatMap((prefix) => options.map((option) => prefix + literal + option));
    last = match.index + match[0].length;
  }
  return results.map((prefix) => prefix + text.slice(last));
}

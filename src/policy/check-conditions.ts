import { PolicyError } from './policy-error.js';
import type { LoadedProfile, RuleDocument } from './profile-document.js';
import type { ParameterValue } from './resolve-parameters.js';

type Conditions = Pick<RuleDocument, 'cloud' | 'feature' | 'when'>;

const asList = (value: ParameterValue): readonly string[] => (typeof value === 'string' ? [value] : value);

/**
 * Why a rule or unproxied entry is not in force with these parameter values, or null when it is.
 * `cloud` and `when` compare a parameter's value; `feature` asks the `features` list. A condition on a
 * parameter the profile does not declare, or a feature its `features` parameter does not allow, is an
 * error at load time: a typo must not silently switch a rule off.
 */
export function checkConditions(
  profile: LoadedProfile,
  conditions: Conditions,
  values: ReadonlyMap<string, ParameterValue>,
  path: readonly (string | number)[],
): string | null {
  const when: [string, readonly string[]][] = Object.entries(conditions.when ?? {});
  if (conditions.cloud) when.unshift(['cloud', conditions.cloud]);
  for (const [name, allowed] of when) {
    const value = values.get(name);
    if (value === undefined) {
      throw new PolicyError(
        'PARAMETER_UNDECLARED',
        `a '${name}' condition needs the profile to declare a '${name}' parameter`,
        { file: profile.file, line: profile.locate(path) },
      );
    }
    if (!asList(value).some((v) => allowed.includes(v))) {
      return `only for ${name} ${allowed.join(', ')} (${name} is ${asList(value).join(',') || 'empty'})`;
    }
  }
  if (conditions.feature === undefined) return null;
  const wanted = typeof conditions.feature === 'string' ? [conditions.feature] : conditions.feature;
  const decl = profile.document.parameters?.['features'];
  const features = values.get('features');
  if (decl === undefined || features === undefined || typeof features === 'string') {
    throw new PolicyError(
      'PARAMETER_UNDECLARED',
      `a 'feature' condition needs the profile to declare a 'features' list parameter`,
      { file: profile.file, line: profile.locate([...path.slice(0, -1), 'feature']) },
    );
  }
  const unknown = wanted.filter((f) => decl.allowed !== undefined && !decl.allowed.includes(f));
  if (unknown.length > 0) {
    throw new PolicyError(
      'PROFILE_INVALID',
      `feature '${unknown.join("', '")}' is not one the 'features' parameter allows (${decl.allowed?.join(', ') ?? ''})`,
      { file: profile.file, line: profile.locate([...path.slice(0, -1), 'feature']) },
    );
  }
  return wanted.some((f) => features.includes(f))
    ? null
    : `only with features ${wanted.join(' or ')} (features is ${features.join(',') || 'empty'})`;
}

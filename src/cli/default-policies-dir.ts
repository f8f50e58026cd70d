import { packageRoot } from '../observe/read-package-version.js';

/** The profiles shipped with the package, used when --policies is not given. */
export function defaultPoliciesDir(): string {
  return `${packageRoot}policies`;
}

import { PolicyError } from '../policy/policy-error.js';
import type { ClientGroup } from './client-group.js';
import { ConfigError } from './config-error.js';

/**
 * A policy error met while loading a client group's profiles, restated where the operator has to fix
 * it: the group in the config file, not the profile file, and in config words rather than `--set`.
 * Errors inside a profile itself (syntax, a bad pattern) keep pointing at the profile.
 */
export function locateGroupError(err: unknown, group: ClientGroup): unknown {
  const origin = group.origin;
  // A group that crossed to a worker process lost its line finder (IPC carries no functions).
  if (origin === undefined || typeof origin.locate !== 'function' || !(err instanceof PolicyError))
    return err;
  const param = err.parameter;
  const named = group.name === 'default' || group.name === 'local' ? '' : `client group '${group.name}': `;
  const parametersKey = named === '' ? "the top-level 'parameters'" : "the group's 'parameters'";
  switch (err.code) {
    case 'PARAMETER_MISSING':
      return new ConfigError(
        `${named}${err.reason.replace(/; add --set .*$/, '')}; add '${param ?? 'NAME'}: VALUE' under ${parametersKey}`,
        { file: origin.file, line: origin.locate(['parameters']) ?? origin.locate([]) },
      );
    case 'PARAMETER_UNDECLARED':
    case 'PARAMETER_INVALID':
      if (param === null) break;
      return new ConfigError(`${named}${err.reason.replace(/^--set /, 'parameter ')}`, {
        file: origin.file,
        line: origin.locate(['parameters', param]),
      });
    case 'PROFILE_NOT_FOUND':
      return new ConfigError(`${named}${err.reason}`, {
        file: origin.file,
        line: origin.locate(['profiles']),
      });
    default:
      break;
  }
  return err;
}

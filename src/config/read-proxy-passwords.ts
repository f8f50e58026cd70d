import type { ClientGroup } from './client-group.js';
import { ConfigError } from './config-error.js';

/** The environment variable that holds a proxy user's password: EGRESSGATE_PROXY_PASSWORD_<USER>. */
export function passwordVariable(user: string): string {
  return `EGRESSGATE_PROXY_PASSWORD_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Passwords for every user a client group names; a user without one is a start-up error. */
export function readProxyPasswords(
  groups: readonly ClientGroup[],
  env: Readonly<Record<string, string | undefined>>,
): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const user of groups.flatMap((g) => g.users ?? [])) {
    const value = env[passwordVariable(user)];
    if (value === undefined || value === '') {
      throw new ConfigError(`proxy user "${user}" has no password: set ${passwordVariable(user)}`);
    }
    passwords.set(user, value);
  }
  return passwords;
}

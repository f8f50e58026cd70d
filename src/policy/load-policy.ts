import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compileMatcher } from './compile-matcher.js';
import type { CompiledPolicy } from './compiled-policy.js';
import { allow } from './decision.js';
import { loadProfileFile } from './load-profile-file.js';
import { PolicyError } from './policy-error.js';
import type { LoadedProfile } from './profile-document.js';
import { resolveProfiles } from './resolve-profiles.js';
import type { ServiceTagsFile } from '../servicetags/parse-service-tags.js';
import { suggestName } from './suggest-key.js';

export interface PolicyOptions {
  /** A profile directory, or several: a profile in a later one replaces one of the same name in an earlier one. */
  readonly dir: string | readonly string[];
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  /** Expands the `servicetags:` of rules to CIDRs; without it those rules match by their hosts only. */
  readonly serviceTags?: ServiceTagsFile | null;
  /** `profile/id` of rules to leave out (a client group's `excludeRules`). */
  readonly excludeRules?: readonly string[];
  /** Injected for reproducible loadedAt in tests. */
  readonly now?: () => number;
}

/** Loads, resolves and compiles the selected profiles. Throws PolicyError; never returns half a policy. */
export async function loadPolicy(opts: PolicyOptions): Promise<CompiledPolicy> {
  if (opts.profiles.length === 0) {
    throw new PolicyError('PROFILE_NOT_FOUND', 'no profile selected; name one with --profile NAME');
  }
  const resolved = await resolveProfiles(
    opts.profiles,
    opts.parameters,
    (name) => loadNamedProfile(opts.dir, name),
    { serviceTags: opts.serviceTags ?? null, excludeRules: opts.excludeRules ?? [] },
  );
  const allows = Object.freeze(resolved.rules.map((r) => Object.freeze(allow(r.profile, r.id))));
  return Object.freeze({
    ...resolved,
    matcher: compileMatcher(resolved.rules),
    allows,
    privateAllows: new Set(allows.filter((_a, i) => resolved.rules[i]?.privateDestinations === true)),
    namedCidrs: Object.freeze(resolved.rules.flatMap((r) => r.cidrList)),
    loadedAt: (opts.now ?? Date.now)(),
  });
}

export async function loadNamedProfile(
  dir: string | readonly string[],
  name: string,
): Promise<LoadedProfile> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new PolicyError(
      'PROFILE_NOT_FOUND',
      `'${name}' is not a profile name (lower case, digits and '-')`,
    );
  }
  const dirs = typeof dir === 'string' ? [dir] : dir;
  // Later directories win, so an operator's directory listed after the shipped one can replace a profile.
  const found = (
    await Promise.all(
      dirs.map((d) =>
        access(join(d, `${name}.yaml`)).then(
          () => d,
          () => null,
        ),
      ),
    )
  )
    .filter((d): d is string => d !== null)
    .at(-1);
  if (found === undefined) {
    const better = suggestName(name, await listProfileNames(dirs));
    throw new PolicyError(
      'PROFILE_NOT_FOUND',
      `no profile '${name}' in ${dirs.join(', ')}${better === null ? '' : `; did you mean '${better}'?`} (see: egressgate profiles)`,
    );
  }
  const file = join(found, `${name}.yaml`);
  const profile = await loadProfileFile(file);
  if (profile.document.name !== name) {
    throw new PolicyError(
      'PROFILE_INVALID',
      `the profile in ${name}.yaml is named '${profile.document.name}'; name it '${name}'`,
      {
        file,
        line: profile.locate(['name']),
      },
    );
  }
  const ids = new Set<string>();
  for (const [index, rule] of profile.document.rules.entries()) {
    if (ids.has(rule.id)) {
      throw new PolicyError(
        'PROFILE_INVALID',
        `rule id '${rule.id}' is used twice; give each rule its own id`,
        {
          file,
          line: profile.locate(['rules', index, 'id']),
        },
      );
    }
    ids.add(rule.id);
  }
  return profile;
}

async function listProfileNames(dirs: readonly string[]): Promise<string[]> {
  const lists = await Promise.all(dirs.map((d) => readdir(d).catch(() => [] as string[])));
  return [...new Set(lists.flat().filter((f) => f.endsWith('.yaml') && f !== 'schema.yaml'))].map((f) =>
    f.slice(0, -'.yaml'.length),
  );
}

import type { ErrorObject } from 'ajv';
import { suggestKey } from './suggest-key.js';

export type DocumentPath = readonly (string | number)[];

/** A message for a value the schema refused, when the caller knows better words than the schema's. */
export type DescribeValue = (path: DocumentPath, value: unknown) => string | null;

/** What one schema error tells the operator, and where in the document it is (for the line). */
export interface SchemaProblem {
  readonly message: string;
  readonly path: DocumentPath;
}

const BRANCHES = new Set(['oneOf', 'anyOf', 'if']);

/**
 * The error worth showing. An unknown key comes first (a misspelt key is usually the cause of the
 * rest); the errors of oneOf/anyOf branches only restate a branch that did not apply, so a direct
 * error wins over them; among equals, the deepest.
 */
export function pickSchemaError(errors: readonly ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject): number =>
    e.keyword === 'additionalProperties'
      ? 0
      : BRANCHES.has(e.keyword) || /\/(oneOf|anyOf)\//.test(e.schemaPath)
        ? 2
        : 1;
  const best = [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length);
  return best[0] as ErrorObject;
}

/** `/clientGroups/0/cidrs` as `['clientGroups', 0, 'cidrs']`. */
export function toDocumentPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function valueAt(data: unknown, path: DocumentPath): unknown {
  let cur: unknown = data;
  for (const key of path) cur = (cur as Record<string | number, unknown> | undefined)?.[key];
  return cur;
}

/**
 * One schema error in the operator's words, the same for profiles and config files: where, what was
 * written, what is allowed, and for a misspelt key the key it is closest to. Needs the error's
 * `parentSchema` (ajv `verbose: true`) to list the allowed keys.
 */
export function describeSchemaError(
  err: ErrorObject,
  data: unknown,
  describeValue?: DescribeValue,
): SchemaProblem {
  const path = toDocumentPath(err.instancePath);
  const value = valueAt(data, path);
  const special = describeValue?.(path, value);
  if (special !== undefined && special !== null) return { message: special, path };
  const where = path.length > 0 ? `'${path.join('.')}'` : 'the top level';
  const got = `got ${JSON.stringify(value)}`;
  const params = err.params as Record<string, unknown>;
  // An error about a key's name (propertyNames) is shown at that key.
  const key = (err as { propertyName?: string }).propertyName ?? params['propertyName'];
  if (typeof key === 'string') {
    const pattern = typeof params['pattern'] === 'string' ? ` (keys match ${params['pattern']})` : '';
    return { message: `${where}: key '${key}' is not allowed${pattern}`, path: [...path, key] };
  }
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys(
        (err.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {},
      );
      const hint = suggestKey(key, allowed);
      return {
        // Shown at the key itself, not at the object holding it.
        message: `unknown key '${key}' at ${where}${hint ? `; did you mean '${hint}'?` : ''} (allowed: ${allowed.join(', ')})`,
        path: [...path, key],
      };
    }
    case 'required':
      return { message: `missing key '${String(params['missingProperty'])}' at ${where}`, path };
    case 'enum':
      return {
        message: `${where} must be one of ${(params['allowedValues'] as unknown[]).join(', ')}, ${got}`,
        path,
      };
    case 'pattern':
      return {
        message: `${where} is not in the expected format (${String(params['pattern'])}), ${got}`,
        path,
      };
    default:
      return { message: `${where} ${err.message ?? 'is invalid'}, ${got}`, path };
  }
}

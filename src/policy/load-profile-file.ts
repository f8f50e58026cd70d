import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { PolicyError } from './policy-error.js';
import type { LoadedProfile, Locate, ProfileDocument } from './profile-document.js';
import { suggestKey } from './suggest-key.js';

let validator: ValidateFunction | undefined;

// Compiled once per process: the schema is immutable data shipped with the package.
function profileValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(new URL('../../policies/schema.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    validator = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  }
  return validator;
}

/** Reads and validates one profile file; every error names the file and line. */
export async function loadProfileFile(file: string): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PolicyError('PROFILE_NOT_FOUND', `cannot read profile: ${(cause as Error).message}`, {
      file,
      cause,
    });
  }
  return parseProfileText(text, file);
}

export function parseProfileText(text: string, file: string): LoadedProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? null;
    throw new PolicyError('YAML_SYNTAX', `YAML syntax: ${first.message.split('\n')[0]}`, { file, line });
  }
  const locate = makeLocate(doc, lineCounter);
  const data: unknown = doc.toJS();
  const validate = profileValidator();
  if (!validate(data)) {
    const err = pickError(validate.errors ?? []);
    const { message, path } = describeError(err, data);
    throw new PolicyError('PROFILE_INVALID', message, { file, line: locate(path) });
  }
  return { file, document: data as ProfileDocument, locate };
}

function makeLocate(doc: Document, lines: LineCounter): Locate {
  return (path) => {
    const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
    // A key that is present without a node value (or a missing one): point at its parent.
    return path.length > 0 ? makeLocate(doc, lines)(path.slice(0, -1)) : null;
  };
}

// Errors inside anyOf branches only restate the branch that did not apply; prefer a direct error,
// and among those the deepest, most specific one.
function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject): number =>
    e.keyword === 'additionalProperties'
      ? 0
      : e.schemaPath.includes('/anyOf/') || e.keyword === 'anyOf'
        ? 2
        : 1;
  const best = [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length);
  return best[0] as ErrorObject;
}

function describeError(err: ErrorObject, data: unknown): { message: string; path: (string | number)[] } {
  const path = err.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const where = path.length ? `at '${path.join('.')}'` : 'at the top level';
  const params = err.params as Record<string, unknown>;
  if (path.includes('ports') && typeof path.at(-1) === 'number') {
    return {
      message: `${where}: port '${String(valueAt(data, path))}' is invalid; ports are 1-65535, e.g. 443 or '44300-44304'`,
      path,
    };
  }
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = allowedKeys(err);
      const hint = suggestKey(key, allowed);
      return {
        message: `unknown key '${key}' ${where}${hint ? `; did you mean '${hint}'?` : ''} (allowed: ${allowed.join(', ')})`,
        path: [...path, key],
      };
    }
    case 'required':
      return { message: `missing '${String(params.missingProperty)}' ${where}`, path };
    case 'enum':
      return {
        message: `${where}: '${String(valueAt(data, path))}' is not allowed; write one of: ${(params.allowedValues as unknown[]).join(', ')}`,
        path,
      };
    case 'pattern':
      return {
        message: `${where}: '${String(valueAt(data, path))}' must match ${String(params.pattern)}`,
        path,
      };
    default:
      return {
        message: `${where}: '${JSON.stringify(valueAt(data, path))}' ${err.message ?? 'is invalid'}`,
        path,
      };
  }
}

function allowedKeys(err: ErrorObject): string[] {
  const schema = err.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.properties ?? {});
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const key of path) cur = (cur as Record<string | number, unknown> | undefined)?.[key];
  return cur;
}

import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { compileDocumentSchema, parseYamlDocument } from './parse-yaml-document.js';
import type { DocumentPath } from './describe-schema-error.js';
import { PolicyError } from './policy-error.js';
import type { LoadedProfile, ProfileDocument } from './profile-document.js';

let validator: ValidateFunction | undefined;

// Compiled once per process: the schema is immutable data shipped with the package.
function profileValidator(): ValidateFunction {
  validator ??= compileDocumentSchema(
    JSON.parse(readFileSync(new URL('../../policies/schema.json', import.meta.url), 'utf8')) as object,
  );
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

// The schema's words for a bad port ("must match pattern") do not say what a port is.
function describePort(path: DocumentPath, value: unknown): string | null {
  if (!path.includes('ports') || typeof path.at(-1) !== 'number') return null;
  return `at '${path.join('.')}': port '${String(value)}' is invalid; ports are 1-65535, e.g. 443 or '44300-44304'`;
}

export function parseProfileText(text: string, file: string): LoadedProfile {
  const parsed = parseYamlDocument(text, profileValidator(), { describeValue: describePort });
  if (!parsed.ok) {
    const code = parsed.kind === 'syntax' ? 'YAML_SYNTAX' : 'PROFILE_INVALID';
    throw new PolicyError(code, parsed.message, { file, line: parsed.line });
  }
  return { file, document: parsed.data as ProfileDocument, locate: parsed.locate };
}

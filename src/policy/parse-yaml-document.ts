import { Ajv, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { describeSchemaError, pickSchemaError, type DescribeValue } from './describe-schema-error.js';
import type { Locate } from './profile-document.js';

/** A YAML document that parsed and passed its schema, with the line finder for later errors. */
export interface ValidDocument {
  readonly ok: true;
  readonly data: unknown;
  readonly locate: Locate;
}

/** Why a document cannot be used: its YAML, or its schema. A value: each loader throws its own error. */
export interface InvalidDocument {
  readonly ok: false;
  readonly kind: 'syntax' | 'schema';
  readonly message: string;
  readonly line: number | null;
}

export interface ParseYamlOptions {
  /** What an empty document stands for (a config file may be empty; a profile may not). */
  readonly empty?: unknown;
  readonly describeValue?: DescribeValue;
}

/** Compiles a document schema the way `parseYamlDocument` needs it (every error, parent schemas). */
export function compileDocumentSchema(schema: object): ValidateFunction {
  return new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
}

/**
 * The one YAML + schema reader of the profile and the config file: parses with line numbers,
 * refuses duplicate keys, validates, and places every error on its line.
 */
export function parseYamlDocument(
  text: string,
  validate: ValidateFunction,
  options: ParseYamlOptions = {},
): ValidDocument | InvalidDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lineCounter.linePos(first.pos[0]).line;
    return { ok: false, kind: 'syntax', message: `YAML syntax: ${first.message.split('\n')[0]}`, line };
  }
  const locate = makeLocate(doc, lineCounter);
  const data: unknown = doc.toJS() ?? options.empty ?? null;
  if (!validate(data)) {
    const problem = describeSchemaError(pickSchemaError(validate.errors ?? []), data, options.describeValue);
    return { ok: false, kind: 'schema', message: problem.message, line: locate(problem.path) };
  }
  return { ok: true, data, locate };
}

function makeLocate(doc: Document, lines: LineCounter): Locate {
  const locate: Locate = (path) => {
    const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
    // A key that is present without a node value (or a missing one): point at its parent.
    return path.length > 0 ? locate(path.slice(0, -1)) : null;
  };
  return locate;
}

import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from './config-error.js';
import type { ServeConfig } from './serve-config.js';
import configSchema from './config-schema.json' with { type: 'json' };

/** Where a config value sits, so errors found after validation (a group's policy) can name the line too. */
export interface ConfigOrigin {
  readonly file: string;
  locate(path: readonly (string | number)[]): number | null;
}

/** Reads and validates a serve config file; every error names the file and line. */
export async function loadConfig(file: string): Promise<ServeConfig> {
  return (await loadConfigWithOrigin(file)).config;
}

export async function loadConfigWithOrigin(
  file: string,
): Promise<{ config: ServeConfig; origin: ConfigOrigin }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config: ${(err as Error).message}`, { file });
  }
  return parseConfigDocument(text, file);
}

export function parseConfigText(text: string, file: string): ServeConfig {
  return parseConfigDocument(text, file).config;
}

export function parseConfigDocument(
  text: string,
  file: string,
): { config: ServeConfig; origin: ConfigOrigin } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lineCounter.linePos(first.pos[0]).line;
    throw new ConfigError(`YAML syntax: ${first.message.split('\n')[0]}`, { file, line });
  }
  const data: unknown = doc.toJS() ?? {};
  const validate = new Ajv({ allErrors: true, strict: false }).compile(configSchema);
  if (!validate(data)) {
    const err = pickError(validate.errors ?? []);
    const path = toPath(err.instancePath);
    // An unknown key is best shown at the key itself, not at the object holding it.
    const extra = (err.params as { additionalProperty?: string }).additionalProperty;
    const at = extra === undefined ? path : [...path, extra];
    throw new ConfigError(describe(err, path), { file, line: locate(doc, lineCounter, at) });
  }
  return {
    config: data as ServeConfig,
    origin: { file, locate: (path) => locate(doc, lineCounter, path) },
  };
}

function toPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function locate(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | null {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  if (range) return lines.linePos(range[0]).line;
  return path.length > 0 ? locate(doc, lines, path.slice(0, -1)) : null;
}

// oneOf/anyOf summaries are noise next to the specific error underneath them.
function pickError(errors: readonly ErrorObject[]): ErrorObject {
  const specific = errors.filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword));
  const sorted = [...(specific.length > 0 ? specific : errors)].sort(
    (a, b) => b.instancePath.length - a.instancePath.length,
  );
  return sorted[0] as ErrorObject;
}

function describe(err: ErrorObject, path: readonly (string | number)[]): string {
  const where = path.length > 0 ? `'${path.join('.')}'` : 'the top level';
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return `unknown key '${String(params['additionalProperty'])}' at ${where}`;
    case 'required':
      return `missing key '${String(params['missingProperty'])}' at ${where}`;
    case 'enum':
      return `${where} must be one of ${(params['allowedValues'] as unknown[]).join(', ')}`;
    case 'pattern':
      return `${where} is not in the expected format (${String(params['pattern'])})`;
    default:
      return `${where} ${err.message ?? 'is invalid'}`;
  }
}

import { readFile } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv';
import { compileDocumentSchema, parseYamlDocument } from '../policy/parse-yaml-document.js';
import type { Locate } from '../policy/profile-document.js';
import { ConfigError } from './config-error.js';
import type { ServeConfig } from './serve-config.js';
import configSchema from './config-schema.json' with { type: 'json' };

/** Where a config value sits, so errors found after validation (a group's policy) can name the line too. */
export interface ConfigOrigin {
  readonly file: string;
  readonly locate: Locate;
}

let validator: ValidateFunction | undefined;

/** The config schema, compiled once per process: the file and the serve flags are checked by it. */
export function configValidator(): ValidateFunction {
  validator ??= compileDocumentSchema(configSchema);
  return validator;
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
  const parsed = parseYamlDocument(text, configValidator(), { empty: {} });
  if (!parsed.ok) throw new ConfigError(parsed.message, { file, line: parsed.line });
  return { config: parsed.data as ServeConfig, origin: { file, locate: parsed.locate } };
}

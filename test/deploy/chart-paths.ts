import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const chartDir = `${repoRoot}helm/egressgate`;
export const allOnValuesFile = `${chartDir}/ci/all-on-values.yaml`;
export const transparentExampleFile = `${chartDir}/examples/transparent-values.yaml`;
export const gatewayExampleFile = `${chartDir}/examples/gateway-values.yaml`;

export function readYamlFile(path: string): Record<string, unknown> {
  return parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Validates data against one of the project's JSON schemas; returns the errors as readable strings. */
export function schemaErrors(schemaPath: string, data: unknown): string[] {
  const schema = JSON.parse(readFileSync(`${repoRoot}${schemaPath}`, 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`,
  );
}

/** A JSON schema node, as far as defaults are concerned. */
interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly default?: unknown;
  readonly [keyword: string]: unknown;
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The schema with each property's `default` taken from `defaults` (the same shape as the config) and
 * every other `default` removed, so the schema can only ever state the defaults the code applies.
 * A default for a key the schema does not have is a programming error.
 */
export function addSchemaDefaults<S extends SchemaNode>(
  schema: S,
  defaults: Readonly<Record<string, unknown>>,
  path = '',
): S {
  const properties = schema.properties ?? {};
  for (const key of Object.keys(defaults)) {
    if (!(key in properties)) throw new Error(`default for ${path}${key}, which the schema does not have`);
  }
  const withDefaults: Record<string, SchemaNode> = {};
  for (const [key, node] of Object.entries(properties)) {
    const value = defaults[key];
    const { default: _stale, ...rest } = node;
    if (node.properties !== undefined) {
      withDefaults[key] = addSchemaDefaults(rest, isRecord(value) ? value : {}, `${path}${key}.`);
    } else withDefaults[key] = value === undefined ? rest : { ...rest, default: value };
  }
  return schema.properties === undefined ? schema : { ...schema, properties: withDefaults };
}

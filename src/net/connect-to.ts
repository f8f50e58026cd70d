import { EgressgateError } from '../egressgate-error.js';
import { normalizeWireHost, type HostPort } from './parse-host-port.js';
import { parsePort } from '../address/parse-port.js';

/** One curl-style `HOST1:PORT1:HOST2:PORT2` mapping; null fields match any / keep the original. */
export interface ConnectToRule {
  readonly fromHost: string | null;
  readonly fromPort: number | null;
  readonly toHost: string | null;
  readonly toPort: number | null;
}

export class ConnectToError extends EgressgateError<'INVALID_CONNECT_TO'> {
  constructor(message: string) {
    super('INVALID_CONNECT_TO', message);
  }
}

// Splits on ':' outside brackets so IPv6 literals can be written as [::1].
function splitFields(spec: string): string[] {
  const fields: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of spec) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ':' && depth === 0) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

function parseField<T>(raw: string, parse: (s: string) => T | null, spec: string, what: string): T | null {
  if (raw === '') return null;
  const value = parse(raw);
  if (value === null) throw new ConnectToError(`--connect-to ${spec}: invalid ${what} "${raw}"`);
  return value;
}

export function parseConnectTo(spec: string): ConnectToRule {
  const fields = splitFields(spec);
  if (fields.length !== 4) {
    throw new ConnectToError(`--connect-to ${spec}: expected HOST1:PORT1:HOST2:PORT2`);
  }
  const [h1 = '', p1 = '', h2 = '', p2 = ''] = fields;
  return {
    fromHost: parseField(h1, normalizeWireHost, spec, 'host'),
    fromPort: parseField(p1, parsePort, spec, 'port'),
    toHost: parseField(h2, normalizeWireHost, spec, 'host'),
    toPort: parseField(p2, parsePort, spec, 'port'),
  };
}

/** curl semantics: the first rule whose HOST1 and PORT1 match (empty = any) decides where to connect. */
export function applyConnectTo(rules: readonly ConnectToRule[], target: HostPort): HostPort | null {
  for (const rule of rules) {
    if (rule.fromHost !== null && rule.fromHost !== target.host) continue;
    if (rule.fromPort !== null && rule.fromPort !== target.port) continue;
    return { host: rule.toHost ?? target.host, port: rule.toPort ?? target.port };
  }
  return null;
}

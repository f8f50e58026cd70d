export interface OriginForm {
  /** Path and query exactly as the client sent them (fragment dropped): what the upstream gets. */
  readonly originForm: string;
  /** The path alone, up to the query: what path rules decide on, every way a server might read it. */
  readonly path: string;
}

function encodeByte(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  // Node hands request-line bytes over as latin1: one character per byte.
  if (code <= 0xff) return `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  // Only from callers other than Node's parser; a lone surrogate has no UTF-8 form.
  return code >= 0xd800 && code <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(c);
}

/**
 * The request target as it will be forwarded. Nothing is resolved or decoded here: the policy
 * decides on every reading of these bytes (src/policy/read-path-readings.ts) and the upstream gets
 * these same bytes. Bytes outside printable ASCII are percent-encoded (the same bytes, spelled so
 * that they can go on the request line); a fragment is never sent.
 */
export function readOriginForm(target: string): OriginForm | null {
  if (!target.startsWith('/')) return null;
  const hash = target.indexOf('#');
  const originForm = (hash < 0 ? target : target.slice(0, hash)).replace(/[^\x21-\x7e]/gu, encodeByte);
  const query = originForm.indexOf('?');
  return { originForm, path: query < 0 ? originForm : originForm.slice(0, query) };
}

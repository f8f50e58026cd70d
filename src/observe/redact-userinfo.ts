const REDACTED = '[REDACTED]';

/**
 * Hides credentials a client may have put in front of a host (`user:pass@host`, `http://user:pass@host/`).
 * Such a value can reach the log from a Host header or an absolute-URI request line, and the decision log
 * is shipped to places where secrets must not go.
 */
export function redactUserinfo(value: string): string {
  const schemeEnd = value.indexOf('://');
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const slash = value.indexOf('/', authorityStart);
  const authorityEnd = slash === -1 ? value.length : slash;
  const at = value.lastIndexOf('@', authorityEnd - 1);
  if (at < authorityStart) return value;
  return `${value.slice(0, authorityStart)}${REDACTED}${value.slice(at)}`;
}

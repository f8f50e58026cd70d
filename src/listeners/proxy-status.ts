// RFC 8941 sf-string: printable ASCII, with '\' and '"' escaped.
function toSfString(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** An RFC 9209 Proxy-Status field value naming egressgate. */
export function formatProxyStatus(error: string, details: string): string {
  return `egressgate; error=${error}; details=${toSfString(details)}`;
}

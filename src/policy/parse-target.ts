import type { Target } from './decide.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
};
const PLAIN = new Set(['http:', 'ws:']);

/**
 * The path as written, up to the query: what the proxy would decide on for this request target
 * (the URL parser's pathname would resolve `..` and `\` that a server might read otherwise).
 */
function rawPath(url: string): string {
  const afterScheme = url.indexOf('://') + 3;
  const start = url.slice(afterScheme).search(/[/?#\\]/);
  if (start < 0) return '/';
  const rest = url.slice(afterScheme + start);
  const end = rest.search(/[?#]/);
  const path = end < 0 ? rest : rest.slice(0, end);
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * A target as an operator writes it: `host:port`, `[v6]:port`, or a URL. The path is kept only for
 * plain http/ws URLs, the one case where egressgate can see it. Null when it cannot be read.
 */
export function parseTarget(text: string): Target | null {
  const trimmed = text.trim();
  if (trimmed.includes('://')) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return null;
    }
    const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
    if (port === undefined || url.hostname === '') return null;
    const host = url.hostname;
    return PLAIN.has(url.protocol) ? { host, port, path: rawPath(trimmed) } : { host, port };
  }
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(trimmed);
  if (!match) return null;
  return { host: match[1] ?? '', port: Number(match[2]) };
}

import { redactUserinfo } from '../observe/redact-userinfo.js';

/**
 * A target that failed to parse, made safe to log and echo: printable ASCII, bounded length, no
 * query or fragment (SAS signatures, OAuth codes and tokens travel there), and any `user:password@`
 * replaced, since this value reaches the decision log, the metric labels and the 400 answer.
 */
export function sanitizeRawTarget(raw: string | undefined): string {
  const text = raw ?? '';
  const query = text.search(/[?#]/);
  const withoutQuery = query < 0 ? text : text.slice(0, query);
  return redactUserinfo(withoutQuery.replace(/[^\x21-\x7e]/g, '?')).slice(0, 255);
}

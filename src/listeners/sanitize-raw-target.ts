import { redactUserinfo } from '../observe/redact-userinfo.js';

/**
 * A target that failed to parse, made safe to log and echo: printable ASCII, bounded length, and
 * any `user:password@` replaced, since this value reaches the decision log and the metric labels.
 */
export function sanitizeRawTarget(raw: string | undefined): string {
  return redactUserinfo((raw ?? '').replace(/[^\x21-\x7e]/g, '?')).slice(0, 255);
}

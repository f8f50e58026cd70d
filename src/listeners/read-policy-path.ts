/**
 * The path a `paths` rule decides on: the URL parser's path with encoded '/', '\' and '.' decoded
 * and dot segments resolved again. Servers that decode %2F before resolving dot segments (nginx
 * does) read `/allowed/..%2Fsecret` as `/secret`; deciding on the decoded form can only be
 * stricter than the server, never looser. What is forwarded stays as the client sent it.
 */
export function readPolicyPath(pathname: string): string {
  if (!/%(2f|5c|2e)/i.test(pathname)) return pathname;
  const decoded = pathname.replace(/%2f|%5c/gi, '/').replace(/%2e/gi, '.');
  try {
    // Prefixed, never resolved against a base: a leading `//` stays part of the path.
    return new URL(`http://origin.invalid${decoded}`).pathname;
  } catch {
    return decoded;
  }
}

import { minimatch } from 'minimatch';

/**
 * Returns whether a context-relative path is sent to the Docker build, following .dockerignore
 * rules: the last matching pattern wins, `!` re-includes, and a pattern that matches a parent
 * directory matches everything under it.
 */
export function createDockerignoreFilter(text: string): (relPath: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      return { negated, pattern };
    });
  return (relPath) => {
    const parts = relPath.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let included = true;
    for (const { negated, pattern } of rules) {
      if (prefixes.some((p) => minimatch(p, pattern, { dot: true }))) included = negated;
    }
    return included;
  };
}

/** A Dockerfile instruction after line continuations and comments are folded away. */
export interface DockerInstruction {
  readonly keyword: string;
  /** Flags such as `--from=build`, keyed without the dashes. */
  readonly flags: Readonly<Record<string, string>>;
  /** Arguments: the JSON array for exec form, else the whitespace-split words. */
  readonly args: readonly string[];
  /** The argument text as written (after the flags), for RUN. */
  readonly raw: string;
  readonly line: number;
}

export interface DockerStage {
  readonly name: string;
  readonly image: string;
  readonly instructions: readonly DockerInstruction[];
}

/**
 * Parses the subset of Dockerfile syntax the project's Dockerfile uses. It is strict on purpose:
 * anything it does not understand fails the test instead of being skipped silently.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: { name: string; image: string; instructions: DockerInstruction[] }[] = [];
  for (const { text: line, line: lineNo } of foldLines(text)) {
    const match = /^([A-Za-z]+)\s+(.*)$/s.exec(line);
    if (!match) throw new Error(`Dockerfile line ${lineNo}: cannot parse "${line}"`);
    const keyword = match[1]!.toUpperCase();
    const { flags, rest } = splitFlags(match[2]!.trim());
    const args = rest.startsWith('[') ? parseJsonArgs(rest, lineNo) : rest.split(/\s+/);
    if (keyword === 'FROM') {
      const [image, as, name] = args;
      if (!image) throw new Error(`Dockerfile line ${lineNo}: FROM without image`);
      const named = as?.toUpperCase() === 'AS' && name ? name : String(stages.length);
      stages.push({ name: named, image, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (keyword === 'ARG') continue;
      throw new Error(`Dockerfile line ${lineNo}: ${keyword} before FROM`);
    }
    stage.instructions.push({ keyword, flags, args, raw: rest, line: lineNo });
  }
  return stages;
}

/** Joins `\` continuations and drops comments and blank lines, keeping each instruction's first line number. */
function foldLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  text.split('\n').forEach((rawLine, index) => {
    const trimmed = rawLine.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !current)) return;
    const continues = trimmed.endsWith('\\');
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed;
    current = current ? { ...current, text: `${current.text} ${body}` } : { text: body, line: index + 1 };
    if (!continues) {
      out.push(current);
      current = undefined;
    }
  });
  if (current) out.push(current);
  return out;
}

function splitFlags(text: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = text;
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest)) {
    flags[m[1]!] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

function parseJsonArgs(text: string, lineNo: number): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((a): a is string => typeof a === 'string')) {
    throw new Error(`Dockerfile line ${lineNo}: exec form must be a JSON array of strings`);
  }
  return parsed;
}

/** Splits a RUN line into its `&&`-joined commands (the Dockerfile uses no other shell syntax). */
export function splitRunCommands(raw: string): string[] {
  return raw
    .split('&&')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

export function findStage(stages: readonly DockerStage[], name: string): DockerStage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`Dockerfile has no stage named ${name}`);
  return stage;
}

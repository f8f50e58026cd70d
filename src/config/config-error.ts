/** A config file or serve flag that cannot be used. Names the file and line where known. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  readonly file: string | null;
  readonly line: number | null;

  constructor(message: string, where: { file?: string | null; line?: number | null } = {}) {
    const at = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    super(`${at}${message}`);
    this.file = where.file ?? null;
    this.line = where.line ?? null;
  }
}

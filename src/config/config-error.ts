import { EgressgateError, type ErrorOrigin } from '../egressgate-error.js';

/** A config file or serve flag that cannot be used. Names the file and line where known. */
export class ConfigError extends EgressgateError<'CONFIG_INVALID'> {
  constructor(message: string, origin: ErrorOrigin = {}) {
    super('CONFIG_INVALID', message, origin);
  }
}

import { EgressgateError } from '../egressgate-error.js';

export type ServiceTagsErrorCode =
  'FILE_UNREADABLE' | 'NOT_SERVICE_TAGS' | 'TAG_NOT_FOUND' | 'TAG_EMPTY' | 'BAD_PORTS' | 'BAD_NAME';

/** A service tags file or request that cannot be turned into a profile; the message says what to fix. */
export class ServiceTagsError extends EgressgateError<ServiceTagsErrorCode> {}

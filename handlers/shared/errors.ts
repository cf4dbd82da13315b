/**
 * The error names handlers throw. Lambda reports a thrown error's `name` as its errorType, which is
 * what the workflows' Retry and Catch match on, so these strings are part of the workflow contract.
 */
export const HandlerErrorName = {
  /** The BI service could not answer now (network, timeout, 429, 5xx): worth retrying. */
  BiUnavailable: 'BI.Unavailable',
  /** GET /jobs/{id} answered 404: the job id is wrong or the BI service lost it. */
  BiJobNotFound: 'BI.JobNotFound',
  /** The upload a job was started for does not exist. */
  BiUploadNotFound: 'BI.UploadNotFound',
  /** A job was started for an upload the BI service has not processed yet. */
  BiUploadNotProcessed: 'BI.UploadNotProcessed',
  /** The BI service refused the request as malformed; retrying cannot help. */
  BiBadRequest: 'BI.BadRequest',
  /** The BI service refused the API key (401/403): the key secret is wrong or missing. */
  BiUnauthorized: 'BI.Unauthorized',
  /** The error SendTaskFailure carries for an `upload.failed` webhook. */
  BiUploadFailed: 'BI.UploadFailed',
  /** The error SendTaskFailure carries for a `job.failed` webhook. */
  BiJobFailed: 'BI.JobFailed',
  /** A batch had messages its processor could not handle; the good ones were deleted. */
  QueueDrainBatchFailed: 'QueueDrain.BatchFailed',
  /** The handler's input does not have the documented shape; retrying cannot help. */
  InvalidInput: 'Handler.InvalidInput',
  /** A required environment variable is missing. */
  Configuration: 'Handler.Configuration',
} as const;
export type HandlerErrorName = (typeof HandlerErrorName)[keyof typeof HandlerErrorName];

/**
 * An error whose `name` is one of {@link HandlerErrorName}.
 *
 * @example
 * throw new HandlerError(HandlerErrorName.BiUnavailable, 'GET /jobs/j-1 answered 503', { cause });
 */
export class HandlerError extends Error {
  override readonly name: HandlerErrorName;

  constructor(name: HandlerErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** True when `e` is a {@link HandlerError} named `name`. */
export function isHandlerError(e: unknown, name?: HandlerErrorName): e is HandlerError {
  return e instanceof HandlerError && (name === undefined || e.name === name);
}

/**
 * Errors of the local Lambda service itself (not of the functions it runs), one class per kind.
 * `type` is the error code Lambda's API returns for it, `status` its HTTP status, so that the API
 * server can answer with them unchanged.
 */

/** A base for the Lambda service's API errors. */
export class LambdaServiceError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = type;
    this.type = type;
    this.status = status;
  }
}

/** No function is registered under that name. */
export class FunctionNotFound extends LambdaServiceError {
  /** the id of the request that was refused (Step Functions quotes it in the task's cause) */
  readonly requestId: string;
  constructor(arn: string, requestId: string, options?: { cause?: unknown }) {
    super('ResourceNotFoundException', 404, `Function not found: ${arn}`, options);
    this.requestId = requestId;
  }
}

/** A function configuration Lambda would refuse (bad name, timeout, memory or environment). */
export class InvalidFunctionConfig extends LambdaServiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidParameterValueException', 400, message, options);
  }
}

/** The runtime was closed while the invocation waited for, or ran on, an instance. */
export class RuntimeClosed extends LambdaServiceError {
  constructor(options?: { cause?: unknown }) {
    super('ServiceException', 500, 'The local Lambda runtime was closed', options);
  }
}

/**
 * How the local integrations fail: one class per kind of failure, each a TaskFailure whose
 * `error` is the name AWS gives it (what Retry and Catch match) and whose cause is worded as AWS
 * words it.
 *
 * - AWS SDK integrations (`aws-sdk:*`) name errors as the AWS SDK for Java 2 does:
 *   `<Service>.<Shape>Exception` (`S3.NoSuchKeyException`, `Sqs.QueueDoesNotExistException`),
 *   `<Service>.<Service>Exception` for errors the service model does not declare, with the
 *   cause `<message> (Service: S3, Status Code: 404, Request ID: ..., Extended Request ID: ...)`.
 * - Optimized integrations name them after the AWS SDK for Java 1 that Step Functions runs them
 *   with: `SNS.NotFoundException`, `SQS.AmazonSQSException`, `StepFunctions.<Code>Exception`,
 *   with the cause `<message> (Service: AmazonSNS; Status Code: 404; Error Code: NotFound;
 *   Request ID: ...; Proxy: null)`.
 * - HTTP Tasks: `States.Http.StatusCode.<code>` and `States.Http.Socket`.
 */
import { TaskFailure } from '../../engine/runtime/integrations.ts';

/** What an AWS SDK v3 call throws, as far as error naming reads it. */
export interface SdkError {
  name: string;
  message: string;
  /** the error code on the wire, where it differs from the modeled name */
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $response?: { headers?: Record<string, string> };
}

/** An AWS service answered an `aws-sdk:*` task with an error. */
export class AwsSdkServiceFailure extends TaskFailure {}

/** An AWS service answered an optimized integration (`sns:publish`, `sqs:sendMessage`...) with an error. */
export class OptimizedServiceFailure extends TaskFailure {}

/** The service could not be reached, or the SDK refused the request before sending it. */
export class SdkClientFailure extends TaskFailure {}

/** The task's parameters cannot make a request (a missing required field, a wrong type). */
export class InvalidTaskParameters extends TaskFailure {
  constructor(cause: string) {
    super('States.Runtime', cause);
  }
}

/** An HTTP Task got a response whose status is not 2xx. */
export class HttpStatusFailure extends TaskFailure {
  constructor(status: number, cause: string) {
    super(`States.Http.StatusCode.${status}`, cause);
  }
}

/** An HTTP Task could not connect, or the connection broke or timed out. */
export class HttpSocketFailure extends TaskFailure {
  constructor(cause: string) {
    super('States.Http.Socket', cause);
  }
}

/** A `.sync` child execution ended otherwise than SUCCEEDED. */
export class ChildExecutionFailure extends TaskFailure {
  constructor(cause: string) {
    super('States.TaskFailed', cause);
  }
}

/** The AWS SDK for Java 2 service names Step Functions puts before `.` in error names. */
export const SdkServiceErrorName = {
  s3: 'S3',
  sqs: 'Sqs',
  sns: 'Sns',
  sesv2: 'SesV2',
  sfn: 'Sfn',
  dynamodb: 'DynamoDb',
  lambda: 'Lambda',
  eventbridge: 'EventBridge',
} as const;

/**
 * A shape name as the AWS SDK for Java 2 names the exception class: acronyms cased as words,
 * `Fault` → `Exception`, `Exception` appended.
 *
 * @example
 * javaExceptionName('NoSuchKey') // 'NoSuchKeyException'
 * javaExceptionName('DBInstanceNotFoundFault') // 'DbInstanceNotFoundException'
 */
export function javaExceptionName(shape: string): string {
  let name = shape.replace(/Fault$/, '').replace(/Exception$/, '');
  name = name.replace(/[A-Z]{2,}(?=[A-Z][a-z]|[0-9]|$)/g, (run) => run[0] + run.slice(1).toLowerCase());
  return `${name}Exception`;
}

function requestIdOf(e: SdkError): string {
  return e.$metadata?.requestId ?? 'null';
}

/**
 * The TaskFailure an `aws-sdk:<service>:<action>` task fails with for an SDK error.
 *
 * @example
 * awsSdkFailure('s3', 'getObject', err).error // 'S3.NoSuchKeyException'
 */
export function awsSdkFailure(service: keyof typeof SdkServiceErrorName, action: string, e: SdkError, modeled: boolean): TaskFailure {
  const svc = SdkServiceErrorName[service];
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) {
    return new SdkClientFailure(`${svc}.SdkClientException`, e.message);
  }
  let shape = modeled ? e.name : `${svc}Exception`;
  // HEAD answers carry no error body: the Java SDK names the 404s after what is missing
  if (service === 's3' && e.name === 'NotFound') shape = action.toLowerCase() === 'headbucket' ? 'NoSuchBucket' : 'NoSuchKey';
  const details = [`Service: ${svc}`, `Status Code: ${status}`, `Request ID: ${requestIdOf(e)}`];
  if (e.$metadata?.extendedRequestId && service === 's3') details.push(`Extended Request ID: ${e.$metadata.extendedRequestId}`);
  const message = e.message && e.message !== 'UnknownError' ? e.message : e.name;
  return new AwsSdkServiceFailure(`${svc}.${javaExceptionName(shape)}`, `${message} (${details.join(', ')})`);
}

/** The error code on the wire: the query-compatible code SQS sends in a header, else `Code`, else the name. */
export function wireErrorCode(e: SdkError): string {
  const query = e.$response?.headers?.['x-amzn-query-error'];
  if (query) return query.split(';')[0];
  return e.Code ?? e.name;
}

/** The Java SDK 1 cause text: `<message> (Service: X; Status Code: N; Error Code: C; Request ID: R; Proxy: null)`. */
export function javaV1Cause(serviceName: string, e: SdkError): string {
  return `${e.message} (Service: ${serviceName}; Status Code: ${e.$metadata?.httpStatusCode ?? 0}; Error Code: ${wireErrorCode(e)}; Request ID: ${requestIdOf(e)}; Proxy: null)`;
}

/**
 * Lambda as Step Functions calls it, for any runner of functions: the two task flavours (a plain
 * Lambda ARN as Resource, and `arn:aws:states:::lambda:invoke[.waitForTaskToken]`), the
 * `lambda:invoke` result in the shape AWS returns it, and a failed invocation mapped to the
 * task error AWS reports.
 *
 * A runner only has to implement `LambdaInvoker`: ModuleFunctions (in process) and LambdaRuntime
 * (sandbox processes) both do, and share everything here.
 */
import type { JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import { TaskFailure, type TaskFlavor, type TaskRequest } from '../../engine/runtime/integrations.ts';
import { IntegrationPattern, parseResourceArn } from '../../engine/definition/resource-arn.ts';
import { LAMBDA_ARN, functionArn, parseFunctionRef } from './arn.ts';
import { FunctionNotFound } from './errors.ts';

/** How the Invoke API runs a function: and waits for it, in the background, or not at all. */
export const InvocationType = {
  RequestResponse: 'RequestResponse',
  Event: 'Event',
  DryRun: 'DryRun',
} as const;
export type InvocationType = (typeof InvocationType)[keyof typeof InvocationType];

/** One call of the Invoke API. */
export interface FunctionCall {
  name: string;
  /** version or alias; runners run `$LATEST` whatever it is */
  qualifier?: string;
  /** the event as JSON text */
  payload: string;
  invocationType?: InvocationType;
  region: string;
  accountId: string;
  /** how long the caller waits (a Task's TimeoutSeconds), for runners without a function timeout */
  callerTimeoutSeconds?: number;
}

/** What the Invoke API answers: the response payload, and whether the function failed. */
export interface InvokeResult {
  requestId: string;
  /** 200 (RequestResponse), 202 (Event) or 204 (DryRun) */
  statusCode: 200 | 202 | 204;
  /** `$LATEST` for a synchronous invocation */
  executedVersion?: string;
  /** Lambda's `X-Amz-Function-Error`: set when the function failed and `payload` is its error */
  functionError?: 'Unhandled';
  /** the response payload's text: the function's result or its error payload (empty for 202/204) */
  payload: string;
}

/** A runner of Lambda functions. */
export interface LambdaInvoker {
  /** Runs one invocation; rejects with FunctionNotFound when no function has that name. */
  invokeFunction(call: FunctionCall): Promise<InvokeResult>;
}

/**
 * Answers an invocation according to its type: RequestResponse waits for `run`; Event starts it
 * and answers 202 at once (`onBackgroundFailure` hears of a rejection, as nothing waits for it);
 * DryRun does not run it.
 *
 * @example
 * return dispatchByType(call.invocationType, requestId, () => runOnInstance(call), (e) => log(e));
 */
export async function dispatchByType(type: InvocationType | undefined, requestId: string, run: () => Promise<InvokeResult>, onBackgroundFailure: (e: unknown) => void): Promise<InvokeResult> {
  if (type === InvocationType.DryRun) return { requestId, statusCode: 204, payload: '' };
  if (type === InvocationType.Event) {
    run().catch(onBackgroundFailure);
    return { requestId, statusCode: 202, payload: '' };
  }
  return run();
}

/** Step Functions' 256 KiB payload limit applies to a task's raw response before it is parsed. */
const MAX_RESPONSE_BYTES = 256 * 1024;

function dataLimit(name: string): TaskFailure {
  return new TaskFailure('States.DataLimitExceeded', `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
}

/**
 * How a Lambda resource shows in history: a plain function ARN as `LambdaFunction*` events,
 * `arn:aws:states:::lambda:invoke[.waitForTaskToken]` as `Task*` events; `undefined` for
 * anything else.
 *
 * @example
 * lambdaTaskFlavor('arn:aws:states:::lambda:invoke.waitForTaskToken');
 * // { kind: 'service', resourceType: 'lambda', resource: 'invoke.waitForTaskToken', pattern: 'waitForTaskToken' }
 */
export function lambdaTaskFlavor(resource: string): TaskFlavor | undefined {
  const r = parseResourceArn(resource);
  if (r?.kind === 'lambda') return { kind: 'lambda', resource };
  if (r?.kind === 'integration' && r.service === 'lambda' && r.action === 'invoke') {
    return { kind: 'service', resourceType: r.resourceType, resource: r.resource, pattern: r.pattern === IntegrationPattern.Callback ? 'waitForTaskToken' : 'request' };
  }
  return undefined;
}

/**
 * The task error for a failed invocation: the error payload's errorType names it and the payload
 * text is the cause. A payload without an errorType is `Lambda.Unknown`, with the cause text
 * Step Functions gives it.
 *
 * @example
 * functionFailure('{"errorMessage":"RequestId: r Error: Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"}').error;
 * // 'Sandbox.Timedout'
 */
export function functionFailure(payload: string): TaskFailure {
  let errorType: unknown;
  try {
    const parsed: unknown = JSON.parse(payload);
    if (isJsonObject(parsed)) errorType = parsed.errorType;
  } catch {
    // not JSON: no error type
  }
  if (typeof errorType === 'string' && errorType !== '') return new TaskFailure(errorType, payload);
  return new TaskFailure('Lambda.Unknown', `The cause could not be determined because Lambda did not return an error type. Returned payload: ${payload}`);
}

/**
 * The response payload as a task sees it: size-checked on the raw text, then parsed.
 *
 * @example
 * parseResponse('{"status":"RUNNING"}', 'lambda'); // { status: 'RUNNING' }
 */
export function parseResponse(text: string, limitName: string): JsonValue {
  if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw dataLimit(limitName);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new TaskFailure('Lambda.AWSLambdaException', `The response from the Lambda function is not valid JSON: ${text.slice(0, 200)}`, { cause: e });
  }
}

function notFound(e: FunctionNotFound): TaskFailure {
  return new TaskFailure(
    'Lambda.ResourceNotFoundException',
    `${e.message} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${e.requestId}; Proxy: null)`,
    { cause: e },
  );
}

async function invokeForTask(invoker: LambdaInvoker, call: FunctionCall): Promise<InvokeResult> {
  try {
    return await invoker.invokeFunction(call);
  } catch (e) {
    if (e instanceof FunctionNotFound) throw notFound(e);
    throw e;
  }
}

/**
 * Runs a Lambda task (either flavour) through a runner and returns the task's result: the
 * function's own result for a plain ARN, the Invoke API's response for `lambda:invoke`.
 * `.waitForTaskToken` needs nothing more: the token is in the payload the definition built, and
 * the interpreter waits for the callback once this returns.
 *
 * @example
 * const output = await runLambdaTask(request, runtime, { now: () => scheduler.now(), uuid: randomUUID });
 */
export async function runLambdaTask(req: TaskRequest, invoker: LambdaInvoker, deps: { now(): number; uuid(): string }): Promise<JsonValue> {
  if (LAMBDA_ARN.test(req.resource)) {
    const ref = parseFunctionRef(req.resource);
    const result = await invokeForTask(invoker, {
      ...ref,
      payload: JSON.stringify(req.parameters ?? null),
      region: req.region,
      accountId: req.accountId,
      callerTimeoutSeconds: req.timeoutSeconds,
    });
    if (result.functionError) throw functionFailure(result.payload);
    return parseResponse(result.payload, functionArn(ref.name, req.region, req.accountId));
  }
  const params = isJsonObject(req.parameters) ? req.parameters : {};
  const ref = parseFunctionRef(typeof params.FunctionName === 'string' ? params.FunctionName : '');
  const type = params.InvocationType;
  const result = await invokeForTask(invoker, {
    ...ref,
    payload: invokePayload(params.Payload),
    invocationType: type === InvocationType.Event || type === InvocationType.DryRun ? type : InvocationType.RequestResponse,
    region: req.region,
    accountId: req.accountId,
    callerTimeoutSeconds: req.timeoutSeconds,
  });
  if (result.functionError) throw functionFailure(result.payload);
  const payload = result.statusCode === 200 ? parseResponse(result.payload, 'lambda') : '';
  return invokeApiOutput(result, payload, deps);
}

/**
 * The request body of `lambda:invoke`. A string Payload that holds JSON text is sent as that text,
 * not encoded again: recorded on AWS, Payload "\"HelloWorld\"", "true", "0", "{}" reach the
 * function as "HelloWorld", true, 0, {} (Content-Length 12, 4, 1, 2). Any other string is
 * encoded, as before: no recording shows what AWS does with a string that is not JSON.
 */
export function invokePayload(payload: JsonValue | undefined): string {
  if (payload === undefined) return '{}';
  if (typeof payload === 'string') {
    try {
      JSON.parse(payload);
      return payload;
    } catch {
      // not JSON text: fall through
    }
  }
  return JSON.stringify(payload);
}

/** The `lambda:invoke` task result: the Invoke API's response with the SDK's HTTP metadata. */
export function invokeApiOutput(result: InvokeResult, payload: JsonValue, deps: { now(): number; uuid(): string }): JsonValue {
  const length = String(Buffer.byteLength(result.payload));
  const date = new Date(deps.now()).toUTCString();
  const trace = `Root=1-${Math.floor(deps.now() / 1000).toString(16).padStart(8, '0')}-${deps.uuid().replace(/-/g, '').slice(0, 24)};Sampled=0`;
  const version = result.executedVersion;
  const all: Record<string, JsonValue> = {};
  const flat: Record<string, JsonValue> = {};
  if (version !== undefined) all['X-Amz-Executed-Version'] = [version];
  all['x-amzn-Remapped-Content-Length'] = ['0'];
  all.Connection = ['keep-alive'];
  all['x-amzn-RequestId'] = [result.requestId];
  all['Content-Length'] = [length];
  all.Date = [date];
  all['X-Amzn-Trace-Id'] = [trace];
  all['Content-Type'] = ['application/json'];
  flat.Connection = 'keep-alive';
  flat['Content-Length'] = length;
  flat['Content-Type'] = 'application/json';
  flat.Date = date;
  if (version !== undefined) flat['X-Amz-Executed-Version'] = version;
  flat['x-amzn-Remapped-Content-Length'] = '0';
  flat['x-amzn-RequestId'] = result.requestId;
  flat['X-Amzn-Trace-Id'] = trace;
  const output: Record<string, JsonValue> = {};
  if (version !== undefined) output.ExecutedVersion = version;
  output.Payload = payload;
  output.SdkHttpMetadata = { AllHttpHeaders: all, HttpHeaders: flat, HttpStatusCode: result.statusCode };
  output.SdkResponseMetadata = { RequestId: result.requestId };
  output.StatusCode = result.statusCode;
  return output;
}

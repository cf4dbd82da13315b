/**
 * One call of a Lambda handler as the Node.js runtime makes it, on the function's side of the
 * sandbox: resolve the exported handler, call it with the event and a context, and turn what it
 * returns or throws into the response text or Lambda's error payload.
 *
 * Both runners use it: the sandbox process of the local Lambda runtime (sandbox.ts) and the
 * in-process ModuleFunctions; so a handler fails the same way under either.
 */
import { functionArn } from './arn.ts';
import type { FunctionCall, InvokeResult } from './task.ts';

/** The context object a handler receives, with the fields Lambda's Node.js runtime sets. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** a string, as Lambda's runtime reads it from AWS_LAMBDA_FUNCTION_MEMORY_SIZE */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type Handler = (event: unknown, context: LambdaContext) => unknown;

/**
 * Lambda's error payload: the response body of a failed invocation. Handler errors carry the
 * request id and the stack (the shape the recordings in ../shared/conformance hold); errors the
 * runtime itself reports (timeouts, crashes) carry only errorMessage and errorType.
 */
export interface LambdaErrorPayload {
  errorMessage: string;
  errorType: string;
  requestId?: string;
  stackTrace?: string[];
}

/** What one call produced: the response payload's text, or Lambda's error payload. */
export type HandlerOutcome = { ok: true; text: string } | { ok: false; error: LambdaErrorPayload };

/** An error the Lambda runtime raises (not the function): its `name` is the errorType Lambda reports. */
export class LambdaRuntimeError extends Error {
  constructor(errorType: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = errorType;
  }
}

/** The module does not export the configured handler function. */
export class HandlerNotFound extends LambdaRuntimeError {
  constructor(handlerSpec: string, options?: { cause?: unknown }) {
    super('Runtime.HandlerNotFound', `${handlerSpec} is undefined or not exported`, options);
  }
}

/** The module failed to load. */
export class ImportModuleError extends LambdaRuntimeError {
  constructor(cause: unknown) {
    super('Runtime.ImportModuleError', String(cause), { cause });
  }
}

/** The module has a syntax error. */
export class UserCodeSyntaxError extends LambdaRuntimeError {
  constructor(cause: SyntaxError) {
    super('Runtime.UserCodeSyntaxError', String(cause), { cause });
    this.stack = cause.stack;
  }
}

/** A `(event, context, callback)` handler: the nodejs24.x runtime no longer runs them. */
export class CallbackHandlerDeprecated extends LambdaRuntimeError {
  constructor() {
    super(
      'Runtime.CallbackHandlerDeprecated',
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
  }
}

/** The handler returned a value JSON cannot represent (a cycle, a BigInt). */
export class JSONStringifyError extends LambdaRuntimeError {
  constructor(cause: unknown) {
    super('Runtime.JSONStringifyError', 'Unable to stringify response body', { cause });
  }
}

/**
 * The module specifier and export of a handler setting: `path/to/module.ts#handler`
 * (export `handler` when no `#` is given).
 *
 * @example
 * parseHandlerSpec('src/report.ts#poll'); // { module: 'src/report.ts', exportName: 'poll' }
 */
export function parseHandlerSpec(spec: string): { module: string; exportName: string } {
  const hash = spec.lastIndexOf('#');
  if (hash < 0) return { module: spec, exportName: 'handler' };
  return { module: spec.slice(0, hash), exportName: spec.slice(hash + 1) || 'handler' };
}

/**
 * Imports a handler module (the init phase) as the Node.js runtime does: a syntax error is
 * Runtime.UserCodeSyntaxError, a missing module Runtime.ImportModuleError, and anything else the
 * module's top level throws keeps its own type.
 */
export async function importHandlerModule(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
}

/**
 * The handler function a loaded module exports. A CommonJS module's exports arrive as `default`.
 * Throws HandlerNotFound or CallbackHandlerDeprecated as Lambda's nodejs24.x runtime does.
 */
export function resolveHandler(mod: Record<string, unknown>, exportName: string, handlerSpec: string): Handler {
  let fn = mod[exportName];
  const cjs = mod.default;
  if (typeof fn !== 'function' && typeof cjs === 'object' && cjs !== null) fn = (cjs as Record<string, unknown>)[exportName];
  if (typeof fn !== 'function') throw new HandlerNotFound(handlerSpec);
  if (fn.length >= 3) throw new CallbackHandlerDeprecated();
  return fn as Handler;
}

/**
 * Lambda's error payload for a thrown value: the error's `name` is the errorType; a thrown
 * non-Error reports its `typeof` as the Node.js runtime does.
 */
export function errorPayload(thrown: unknown, requestId?: string): LambdaErrorPayload {
  const payload: LambdaErrorPayload =
    thrown instanceof Error
      ? { errorMessage: thrown.message, errorType: thrown.name || 'Error' }
      : { errorMessage: String(thrown), errorType: typeof thrown };
  if (requestId !== undefined) payload.requestId = requestId;
  payload.stackTrace = thrown instanceof Error ? (thrown.stack ?? '').split('\n').slice(1).map((l) => l.trim()) : [];
  return payload;
}

/**
 * The response payload's text for what a handler returned. A Buffer is the raw payload (the
 * conformance recordings' Python functions returned bytes); anything else is JSON-encoded, and
 * `undefined` is `null`.
 */
export function responseText(result: unknown): string {
  if (Buffer.isBuffer(result)) return result.toString('utf8');
  try {
    return JSON.stringify(result) ?? 'null';
  } catch (e) {
    throw new JSONStringifyError(e);
  }
}

/**
 * Calls a handler with an event and a context; never throws.
 *
 * @example
 * const outcome = await callHandler(async (e) => ({ seen: e }), { a: 1 }, context);
 * // { ok: true, text: '{"seen":{"a":1}}' }
 */
export async function callHandler(handler: Handler, event: unknown, context: LambdaContext): Promise<HandlerOutcome> {
  try {
    const result = await handler(event, context);
    return { ok: true, text: responseText(result) };
  } catch (e) {
    return { ok: false, error: errorPayload(e, context.awsRequestId) };
  }
}

/**
 * Runs a handler in this process as one invocation of `call`: the handler (loaded by `load`, whose
 * failure is the invocation's init error), a Lambda context on the engine's clock, and Lambda's
 * Invoke answer. What the in-process function runners (module functions, the testing library's)
 * share.
 */
export async function invokeInProcess(call: FunctionCall, requestId: string, load: () => Promise<Handler>, clock: { now(): number }, logStreamName: string): Promise<InvokeResult> {
  let outcome: HandlerOutcome;
  try {
    const handler = await load();
    outcome = await callHandler(handler, JSON.parse(call.payload), inProcessContext(call, requestId, clock, logStreamName));
  } catch (e) {
    // the module failed to load: an init error, reported for this invocation
    outcome = { ok: false, error: errorPayload(e) };
  }
  return outcome.ok
    ? { requestId, statusCode: 200, executedVersion: '$LATEST', payload: outcome.text }
    : { requestId, statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled', payload: JSON.stringify(outcome.error) };
}

function inProcessContext(
  call: FunctionCall,
  requestId: string,
  clock: { now(): number },
  logStreamName: string,
): LambdaContext {
  const started = clock.now();
  const timeoutMs = (call.callerTimeoutSeconds ?? 900) * 1000;
  return {
    functionName: call.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(call.name, call.region, call.accountId, call.qualifier),
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${call.name}`,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (clock.now() - started)),
  };
}

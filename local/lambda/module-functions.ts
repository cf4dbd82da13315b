/**
 * Lambda functions given as ES modules (`export const handler = async (event, context) => ...`),
 * run in this process. The conformance batch and the engine's tests use it; the served local
 * stack runs functions through the local Lambda runtime instead.
 *
 * It speaks both task flavours: a plain Lambda ARN as Resource (`LambdaFunction*` events, the
 * function's own result) and `arn:aws:states:::lambda:invoke` (`Task*` events, the result wrapped
 * in the Invoke API's response with its HTTP metadata).
 */
import { pathToFileURL } from 'node:url';
import type { JsonValue } from '../../engine/json.ts';
import { isJsonObject } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import { TaskFailure, parseServiceResource, type TaskFlavor, type TaskIntegration, type TaskRequest } from '../../engine/runtime/integrations.ts';

type Handler = (event: unknown, context: object) => unknown;

export interface ModuleFunctionsOptions {
  /** function name → absolute path of an ES module exporting `handler` */
  functions: Record<string, string>;
  scheduler: Scheduler;
  uuid(): string;
}

/** Step Functions' 256 KiB payload limit applies to a task's raw response before it is parsed. */
const MAX_RESPONSE_BYTES = 256 * 1024;

function dataLimit(name: string): TaskFailure {
  return new TaskFailure('States.DataLimitExceeded', `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
}

const LAMBDA_ARN = /^arn:[^:]+:lambda:([^:]*):([^:]*):function:([^:]+)(?::([^:]+))?$/;

/** A function name from a name, a partial ARN or a full ARN (qualifier dropped). */
export function functionNameOf(nameOrArn: string): string {
  const m = LAMBDA_ARN.exec(nameOrArn);
  if (m) return m[3];
  const partial = /^(?:\d{12}:)?function:([^:]+)/.exec(nameOrArn);
  if (partial) return partial[1];
  return nameOrArn.split(':')[0];
}

export class ModuleFunctions implements TaskIntegration {
  private readonly opts: ModuleFunctionsOptions;
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(opts: ModuleFunctionsOptions) {
    this.opts = opts;
  }

  flavor(resource: string): TaskFlavor | undefined {
    if (LAMBDA_ARN.test(resource)) return { kind: 'lambda', resource };
    const s = parseServiceResource(resource);
    if (s && s.service === 'lambda' && s.action === 'invoke') {
      return { kind: 'service', resourceType: 'lambda', resource: resource.slice(resource.lastIndexOf(':') + 1), pattern: s.pattern === 'waitForTaskToken' ? 'waitForTaskToken' : 'request' };
    }
    return undefined;
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    if (LAMBDA_ARN.test(req.resource)) {
      const name = functionNameOf(req.resource);
      const { payload } = await this.call(name, req.parameters, req, true);
      return payload;
    }
    const params = isJsonObject(req.parameters) ? req.parameters : {};
    const fn = typeof params.FunctionName === 'string' ? params.FunctionName : '';
    const name = functionNameOf(fn);
    const { payload, text, requestId } = await this.call(name, params.Payload === undefined ? {} : params.Payload, req, false, fn);
    const length = String(Buffer.byteLength(text));
    const date = new Date(this.opts.scheduler.now()).toUTCString();
    return {
      ExecutedVersion: '$LATEST',
      Payload: payload,
      SdkHttpMetadata: {
        AllHttpHeaders: {
          'X-Amz-Executed-Version': ['$LATEST'],
          'x-amzn-Remapped-Content-Length': ['0'],
          Connection: ['keep-alive'],
          'x-amzn-RequestId': [requestId],
          'Content-Length': [length],
          Date: [date],
          'X-Amzn-Trace-Id': [`Root=1-${this.opts.uuid().replace(/-/g, '').slice(0, 8)}-${this.opts.uuid().replace(/-/g, '').slice(0, 24)};Sampled=0`],
          'Content-Type': ['application/json'],
        },
        HttpHeaders: {
          Connection: 'keep-alive',
          'Content-Length': length,
          'Content-Type': 'application/json',
          Date: date,
          'X-Amz-Executed-Version': '$LATEST',
          'x-amzn-Remapped-Content-Length': '0',
          'x-amzn-RequestId': requestId,
          'X-Amzn-Trace-Id': `Root=1-${this.opts.uuid().replace(/-/g, '').slice(0, 8)}-${this.opts.uuid().replace(/-/g, '').slice(0, 24)};Sampled=0`,
        },
        HttpStatusCode: 200,
      },
      SdkResponseMetadata: { RequestId: requestId },
      StatusCode: 200,
    };
  }

  private handler(name: string): Promise<Handler> | undefined {
    const path = this.opts.functions[name];
    if (!path) return undefined;
    let h = this.loaded.get(name);
    if (!h) {
      const done = this.opts.scheduler.beginWork();
      h = import(pathToFileURL(path).href)
        .then((m: { handler?: Handler }) => {
          if (typeof m.handler !== 'function') throw new Error(`${path} exports no handler`);
          return m.handler;
        })
        .finally(done);
      this.loaded.set(name, h);
    }
    return h;
  }

  private async call(name: string, event: JsonValue, req: TaskRequest, directArn: boolean, fnParam?: string): Promise<{ payload: JsonValue; text: string; requestId: string }> {
    const requestId = this.opts.uuid();
    const handlerP = this.handler(name);
    if (!handlerP) {
      const arn = `arn:aws:lambda:${req.region}:${req.accountId}:function:${name}:$LATEST`;
      throw new TaskFailure(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${requestId}; Proxy: null)`,
      );
    }
    void fnParam;
    void directArn;
    const handler = await handlerP;
    const started = this.opts.scheduler.now();
    const timeoutMs = (req.timeoutSeconds ?? 900) * 1000;
    const context = {
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${req.region}:${req.accountId}:function:${name}`,
      memoryLimitInMB: '128',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (this.opts.scheduler.now() - started)),
    };
    let raw: unknown;
    try {
      raw = await handler(JSON.parse(JSON.stringify(event ?? null)), context);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const errorType = err.name && err.name !== 'Error' ? err.name : 'Error';
      const payload = {
        errorMessage: err.message,
        errorType,
        requestId,
        stackTrace: (err.stack ?? '').split('\n').slice(1).map((l) => l.trim()),
      };
      throw new TaskFailure(errorType, JSON.stringify(payload));
    }
    const limitName = directArn ? `arn:aws:lambda:${req.region}:${req.accountId}:function:${name}` : 'lambda';
    if (Buffer.isBuffer(raw)) {
      if (raw.length > MAX_RESPONSE_BYTES) throw dataLimit(limitName);
      const text = raw.toString('utf8');
      let payload: JsonValue;
      try {
        payload = JSON.parse(text) as JsonValue;
      } catch {
        throw new TaskFailure(
          'Lambda.AWSLambdaException',
          `The response from the Lambda function is not valid JSON: ${text.slice(0, 200)}`,
        );
      }
      return { payload, text, requestId };
    }
    const text = raw === undefined ? 'null' : JSON.stringify(raw);
    if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw dataLimit(limitName);
    return { payload: JSON.parse(text) as JsonValue, text, requestId };
  }
}

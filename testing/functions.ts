/**
 * Lambda functions for a test environment, answered in the test process: each function name (or
 * ARN) maps to a module's export (`'./handlers/poll.ts#handler'`, `handler` by default) or to a
 * function. Both task flavours work: a plain Lambda ARN as Resource and
 * `arn:aws:states:::lambda:invoke` with `FunctionName`.
 *
 * A handler run counts as real work: the virtual clock never jumps while one runs (its own HTTP
 * calls included), so what it measures and waits for is real.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JsonValue } from '../engine/json.ts';
import type { Scheduler } from '../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../engine/runtime/integrations.ts';
import { functionArn, functionNameOf } from '../local/lambda/arn.ts';
import { FunctionNotFound } from '../local/lambda/errors.ts';
import {
  importHandlerModule, invokeInProcess, parseHandlerSpec, resolveHandler, type Handler, type LambdaContext,
} from '../local/lambda/handler-call.ts';
import { dispatchByType, lambdaTaskFlavor, runLambdaTask, type FunctionCall, type InvokeResult, type LambdaInvoker } from '../local/lambda/task.ts';

export type { LambdaContext } from '../local/lambda/handler-call.ts';

/** A Lambda handler given inline: `(event, context) => result`, as the module would export it. */
export type LambdaHandler = (event: any, context: LambdaContext) => unknown;

/** `'path/to/module.ts#exportName'` (relative to the working directory) or the handler itself. */
export type FunctionSource = string | LambdaHandler;

export class TestFunctions implements TaskIntegration, LambdaInvoker {
  private readonly sources = new Map<string, FunctionSource>();
  private readonly loaded = new Map<string, Promise<Handler>>();

  private readonly scheduler: Scheduler;
  private readonly uuid: () => string;

  constructor(functions: Record<string, FunctionSource>, scheduler: Scheduler, uuid: () => string) {
    this.scheduler = scheduler;
    this.uuid = uuid;
    // a key may be a name or an ARN: the state machine may use either
    for (const [key, source] of Object.entries(functions)) this.sources.set(functionNameOf(key), source);
  }

  flavor(resource: string): TaskFlavor | undefined {
    return lambdaTaskFlavor(resource);
  }

  invoke(req: TaskRequest): Promise<JsonValue> {
    return runLambdaTask(req, this, { now: () => this.scheduler.now(), uuid: this.uuid });
  }

  async invokeFunction(call: FunctionCall): Promise<InvokeResult> {
    const requestId = this.uuid();
    const source = this.sources.get(call.name);
    if (source === undefined) throw new FunctionNotFound(functionArn(call.name, call.region, call.accountId, call.qualifier ?? '$LATEST'), requestId);
    return dispatchByType(call.invocationType, requestId, () => this.run(call, source, requestId), () => {});
  }

  private async run(call: FunctionCall, source: FunctionSource, requestId: string): Promise<InvokeResult> {
    const done = this.scheduler.beginWork();
    try {
      return await invokeInProcess(call, requestId, () => this.handler(call.name, source), this.scheduler, 'test');
    } finally {
      done();
    }
  }

  private handler(name: string, source: FunctionSource): Promise<Handler> {
    if (typeof source === 'function') return Promise.resolve(source as Handler);
    let h = this.loaded.get(name);
    if (!h) {
      const { module, exportName } = parseHandlerSpec(source);
      const path = isAbsolute(module) ? module : resolve(module);
      h = importHandlerModule(pathToFileURL(path).href).then((m) => resolveHandler(m, exportName, source));
      this.loaded.set(name, h);
    }
    return h;
  }
}

/**
 * Lambda functions given as ES modules (`export const handler = async (event, context) => ...`),
 * run in this process. The conformance batch and the engine's tests use it; the served local
 * stack runs functions through the local Lambda runtime (runtime.ts) instead, which isolates each
 * instance in its own process and enforces timeouts.
 *
 * It speaks both task flavours: a plain Lambda ARN as Resource (`LambdaFunction*` events, the
 * function's own result) and `arn:aws:states:::lambda:invoke` (`Task*` events, the result wrapped
 * in the Invoke API's response with its HTTP metadata).
 *
 * Caveat: the handler's own timers run on the real clock, and nothing bounds how long it runs
 * but the Task's TimeoutSeconds (which `getRemainingTimeInMillis` counts down on the engine clock).
 */
import { pathToFileURL } from 'node:url';
import type { JsonValue } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { functionArn } from './arn.ts';
import { FunctionNotFound } from './errors.ts';
import { importHandlerModule, invokeInProcess, resolveHandler, type Handler } from './handler-call.ts';
import { dispatchByType, lambdaTaskFlavor, runLambdaTask, type FunctionCall, type InvokeResult, type LambdaInvoker } from './task.ts';

export { functionNameOf } from './arn.ts';

export interface ModuleFunctionsOptions {
  /** function name → absolute path of an ES module exporting `handler` */
  functions: Record<string, string>;
  scheduler: Scheduler;
  uuid(): string;
}

/**
 * @example
 * engine.integrations.register(new ModuleFunctions({ functions: { echo: '/abs/echo.mjs' }, scheduler, uuid: randomUUID }));
 */
export class ModuleFunctions implements TaskIntegration, LambdaInvoker {
  private readonly opts: ModuleFunctionsOptions;
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(opts: ModuleFunctionsOptions) {
    this.opts = opts;
  }

  flavor(resource: string): TaskFlavor | undefined {
    return lambdaTaskFlavor(resource);
  }

  invoke(req: TaskRequest): Promise<JsonValue> {
    return runLambdaTask(req, this, { now: () => this.opts.scheduler.now(), uuid: this.opts.uuid });
  }

  async invokeFunction(call: FunctionCall): Promise<InvokeResult> {
    const requestId = this.opts.uuid();
    const path = this.opts.functions[call.name];
    if (!path) throw new FunctionNotFound(functionArn(call.name, call.region, call.accountId, call.qualifier ?? '$LATEST'), requestId);
    return dispatchByType(call.invocationType, requestId, () => this.run(call, path, requestId), () => {});
  }

  private run(call: FunctionCall, path: string, requestId: string): Promise<InvokeResult> {
    return invokeInProcess(call, requestId, () => this.handler(call.name, path), this.opts.scheduler, 'local');
  }

  private handler(name: string, path: string): Promise<Handler> {
    let h = this.loaded.get(name);
    if (!h) {
      const done = this.opts.scheduler.beginWork();
      h = importHandlerModule(pathToFileURL(path).href)
        .then((m) => resolveHandler(m, 'handler', `${path}#handler`))
        .finally(done);
      this.loaded.set(name, h);
    }
    return h;
  }
}

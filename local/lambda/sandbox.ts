/**
 * The program a function instance runs: the local counterpart of Lambda's Node.js runtime
 * interface client. Started by FunctionInstance with `process.execPath` (Node 24 runs a
 * TypeScript handler as it is), the function's module path, export name and handler setting as
 * arguments, and the function's environment as its whole environment.
 *
 * Module state lives as long as this process: it leaks between the invocations of one instance,
 * and never reaches another instance, exactly as on Lambda.
 *
 * `Date` reads the engine's clock (engine-clock.ts): the invocation carries the engine's `now`.
 */
import { pathToFileURL } from 'node:url';
import { callHandler, errorPayload, importHandlerModule, LambdaRuntimeError, resolveHandler, type Handler, type LambdaContext, type LambdaErrorPayload } from './handler-call.ts';
import { installEngineClock } from './engine-clock.ts';
import type { InvokeMessage, SandboxMessage } from './sandbox-protocol.ts';

const [modulePath, exportName, handlerSpec, initNow] = process.argv.slice(2);
// before the handler module loads, so that its init phase already reads the engine's time
const clock = installEngineClock();
clock.setNow(initNow ? Number(initNow) : undefined);
/** the request id of the invocation in flight, which a crash is reported for */
let current: string | undefined;

function send(message: SandboxMessage, then?: () => void): void {
  if (!process.connected) {
    process.exit(0);
  }
  process.send!(message, undefined, undefined, () => then?.());
}

function crash(error: LambdaErrorPayload, exitCode: number): void {
  send({ t: 'crash', requestId: current, error }, () => process.exit(exitCode));
}

// The exit codes are the Node.js runtime's (129, 128): a crash ends the instance.
process.on('uncaughtException', (err) => crash(errorPayload(err, current), 129));
process.on('unhandledRejection', (reason) => {
  const err = new LambdaRuntimeError('Runtime.UnhandledPromiseRejection', String(reason), { cause: reason });
  if (reason instanceof Error) err.stack = `${err.name}: ${err.message}\n${(reason.stack ?? '').split('\n').slice(1).join('\n')}`;
  crash(errorPayload(err, current), 128);
});
// The runtime went away (closed, or killed): an orphaned instance has nothing left to do.
process.on('disconnect', () => process.exit(0));

function context(message: InvokeMessage): LambdaContext {
  const env = process.env;
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => message.deadline - clock.wallNow(),
  };
}

async function init(): Promise<Handler | undefined> {
  try {
    return resolveHandler(await importHandlerModule(pathToFileURL(modulePath).href), exportName, handlerSpec);
  } catch (e) {
    send({ t: 'initError', error: errorPayload(e) }, () => process.exit(1));
    return undefined;
  }
}

const handler = await init();
if (handler) {
  process.on('message', async (message: InvokeMessage) => {
    if (message.t !== 'invoke') return;
    current = message.requestId;
    clock.setNow(message.now);
    const outcome = await callHandler(handler, JSON.parse(message.event), context(message));
    current = undefined;
    send({ t: 'done', requestId: message.requestId, outcome });
  });
  send({ t: 'ready' });
}

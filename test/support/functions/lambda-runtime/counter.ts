/**
 * A TypeScript handler with module state: `invocations` lives as long as its instance, so it
 * counts the invocations one warm instance has served. It answers with what it saw.
 */
interface Context {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

interface CounterEvent {
  /** milliseconds to wait before answering (to keep an instance busy) */
  holdMs?: number;
}

let invocations = 0;

export const handler = async (event: CounterEvent, context: Context) => {
  invocations += 1;
  const seen = invocations;
  if (event.holdMs) await new Promise((resolve) => setTimeout(resolve, event.holdMs));
  return {
    language: 'typescript',
    pid: process.pid,
    invocations: seen,
    event,
    context: {
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      remainingMs: context.getRemainingTimeInMillis(),
    },
  };
};

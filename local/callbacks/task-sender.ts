/**
 * What the callback receiver needs of Step Functions: the three SendTask* calls. One adapter
 * calls the local engine directly; `sdk-task-sender.ts` has one over `@aws-sdk/client-sfn`.
 * Either may throw an error named `TaskDoesNotExist`, `TaskTimedOut` or `InvalidToken`, as both
 * the engine (ApiError) and the SDK (its modeled exceptions) name them.
 */
import type { Engine } from '../../engine/engine.ts';

export interface TaskSender {
  /** `output` is JSON text */
  sendTaskSuccess(token: string, output: string): void | Promise<void>;
  sendTaskFailure(token: string, error: string, cause: string): void | Promise<void>;
  sendTaskHeartbeat(token: string): void | Promise<void>;
}

/**
 * A TaskSender over the local engine's own methods.
 *
 * @example
 * const receiver = await startCallbackReceiver({ secret, sfn: engineTaskSender(stack.engine), clock: () => scheduler.now() });
 */
export function engineTaskSender(engine: Pick<Engine, 'sendTaskSuccess' | 'sendTaskFailure' | 'sendTaskHeartbeat'>): TaskSender {
  return {
    sendTaskSuccess: (token, output) => engine.sendTaskSuccess(token, output),
    sendTaskFailure: (token, error, cause) => engine.sendTaskFailure(token, error, cause),
    sendTaskHeartbeat: (token) => engine.sendTaskHeartbeat(token),
  };
}

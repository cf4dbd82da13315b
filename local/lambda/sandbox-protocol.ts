/**
 * The messages between the local Lambda runtime and a sandbox process (one function instance),
 * over the child process's IPC channel. The sandbox loads the function's module once (its init
 * phase), answers `ready` or `initError`, then runs one invocation at a time.
 */
import type { HandlerOutcome, LambdaErrorPayload } from './handler-call.ts';

/** Runtime → sandbox. */
export interface InvokeMessage {
  t: 'invoke';
  requestId: string;
  /** the event as JSON text */
  event: string;
  /** epoch ms (wall clock) at which the invocation times out: getRemainingTimeInMillis counts to it */
  deadline: number;
  invokedFunctionArn: string;
  /** the engine's time (epoch ms) as the invocation starts, for the sandbox's `Date`; absent on the real clock */
  now?: number;
}

/** Sandbox → runtime. */
export type SandboxMessage =
  | { t: 'ready' }
  | { t: 'initError'; error: LambdaErrorPayload }
  | { t: 'done'; requestId: string; outcome: HandlerOutcome }
  /** an uncaught exception or unhandled rejection: the sandbox exits right after */
  | { t: 'crash'; requestId?: string; error: LambdaErrorPayload };

/**
 * awaitCallback: a Lambda invoked with `.waitForTaskToken` hands the task token to someone else
 * (a service's webhook, a person) and the execution waits for SendTaskSuccess or SendTaskFailure,
 * with a heartbeat and an overall timeout whose expiry goes to a fallback instead of failing.
 */
import { jsonata, transientRetry, TRANSIENT_LAMBDA_ERRORS, type Fragment } from './asl.ts';

export interface AwaitCallbackOptions {
  name: string;
  /** the Lambda function (a `${...}` substitution) */
  functionName: string;
  /** the payload; the builder adds `taskToken`. Values may be JSONata templates. */
  payload: Record<string, unknown>;
  /** the task fails with States.HeartbeatTimeout when no SendTaskHeartbeat comes this often */
  heartbeatSeconds?: number;
  /** the task fails with States.Timeout when no answer comes in this time */
  timeoutSeconds: number;
  /** where a timeout or lost heartbeat goes */
  onTimeout: { next: string; assign?: Record<string, unknown>; output?: unknown };
  /** other failures to catch (SendTaskFailure's error names), tried before the timeout catch */
  catch?: { errors: readonly string[]; next: string; assign?: Record<string, unknown>; output?: unknown }[];
  /** errors retried with jitter (default: Lambda's transient errors); the retry gets a new token */
  retryOn?: readonly string[];
  /**
   * Assign on success (`$states.result` is the callback's output). A catcher assigns `lastError`
   * (`$states.errorOutput`) besides its own.
   */
  assign?: Record<string, unknown>;
  output?: unknown;
  next: string;
}

/**
 * Builds the waiting task.
 *
 * Caveat: a retried invocation (transient Lambda errors) gets a new token, so the Lambda must be
 * idempotent on something other than the token (an idempotency key in the payload).
 *
 * @example
 * awaitCallback({ name: 'Upload', functionName: '${UploadReportFunctionArn}', payload: { key: '{% $key %}' },
 *   timeoutSeconds: 1800, onTimeout: { next: 'UploadFailed' }, next: 'StartJob' });
 */
export function awaitCallback(opts: AwaitCallbackOptions): Fragment {
  const catchers = [...(opts.catch ?? []), { errors: ['States.Timeout', 'States.HeartbeatTimeout'], ...opts.onTimeout }];
  return {
    startAt: opts.name,
    loops: [],
    states: {
      [opts.name]: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: {
          FunctionName: opts.functionName,
          Payload: { ...opts.payload, taskToken: jsonata('$states.context.Task.Token') },
        },
        ...(opts.heartbeatSeconds === undefined ? {} : { HeartbeatSeconds: opts.heartbeatSeconds }),
        TimeoutSeconds: opts.timeoutSeconds,
        Retry: [transientRetry({ errors: opts.retryOn ?? TRANSIENT_LAMBDA_ERRORS })],
        // every catcher spells out its Output and Assign: the local engine falls back to the
        // state's own when a catcher has none, and the state's see a $states.result there is not
        Catch: catchers.map((c) => ({
          ErrorEquals: [...c.errors],
          Assign: { lastError: jsonata('$states.errorOutput'), ...c.assign },
          Output: c.output !== undefined ? c.output : jsonata('$states.errorOutput'),
          Next: c.next,
        })),
        ...(opts.assign ? { Assign: opts.assign } : {}),
        ...(opts.output !== undefined ? { Output: opts.output } : {}),
        Next: opts.next,
      },
    },
  };
}

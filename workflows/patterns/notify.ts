/**
 * notify: tell a person how a job ended, through a `notify` Lambda or straight through SES.
 * A notification that cannot be sent does not change the job's outcome: after its retries the
 * step goes on to `next` with the failure in `$notifyError`, and the state's input passes through.
 */
import { IDEMPOTENCY_IN_PROGRESS, jsonata, transientRetry, TRANSIENT_LAMBDA_ERRORS, type Fragment } from './asl.ts';

export interface NotifyOptions {
  name: string;
  /** the outcome told, e.g. `SUCCEEDED`, `JOB_FAILED` */
  outcome: string;
  /** how: the `notify` Lambda (a `${...}` substitution), or an SES e-mail */
  via: { lambda: string } | { ses: { from: string; to: string; subject: string; body: string } };
  /**
   * for the Lambda: a JSONata object expression for the fields besides `outcome`; a field that
   * evaluates to nothing is left out (JSONata's object constructor drops it)
   */
  payload?: string;
  next: string;
}

/**
 * The notify Lambda's idempotency key: execution name + state name, stable across a duplicated
 * invocation, a Retry and a redrive, so the handler sends each outcome's e-mail once.
 */
export const NOTIFY_IDEMPOTENCY_KEY = "$states.context.Execution.Name & '/' & $states.context.State.Name";

/**
 * Builds the notification task.
 *
 * @example
 * notify({ name: 'NotifySuccess', outcome: 'SUCCEEDED', via: { lambda: '${NotifyFunctionArn}' }, payload: "{ 'key': $key }", next: 'Succeeded' });
 * notify({ name: 'Mail', outcome: 'SUCCEEDED', via: { ses: { from: 'etl@example.com', to: 'ops@example.com', subject: 'done', body: '{% $key %}' } }, next: 'End' });
 */
export function notify(opts: NotifyOptions): Fragment {
  const lambda = 'lambda' in opts.via;
  const resource = lambda ? 'arn:aws:states:::lambda:invoke' : 'arn:aws:states:::aws-sdk:sesv2:sendEmail';
  const args = 'lambda' in opts.via
    ? { FunctionName: opts.via.lambda, Payload: jsonata(`$merge([{ 'outcome': '${opts.outcome}', 'idempotencyKey': ${NOTIFY_IDEMPOTENCY_KEY} }, ${opts.payload ?? '{}'}])`) }
    : {
      FromEmailAddress: opts.via.ses.from,
      Destination: { ToAddresses: [opts.via.ses.to] },
      Content: { Simple: { Subject: { Data: opts.via.ses.subject }, Body: { Text: { Data: opts.via.ses.body } } } },
    };
  return {
    startAt: opts.name,
    loops: [],
    states: {
      [opts.name]: {
        Type: 'Task',
        Resource: resource,
        Arguments: args,
        Retry: [transientRetry({ errors: lambda ? [...TRANSIENT_LAMBDA_ERRORS, IDEMPOTENCY_IN_PROGRESS] : ['States.TaskFailed'] })],
        Catch: [{ ErrorEquals: ['States.ALL'], Assign: { notifyError: jsonata('$states.errorOutput') }, Output: jsonata('$states.input'), Next: opts.next }],
        Output: jsonata('$states.input'),
        Next: opts.next,
      },
    },
  };
}

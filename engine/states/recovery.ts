/**
 * What becomes of a state's error: retried after a back-off, caught (to the catcher's Next, with
 * the error output), or the branch fails. A pure decision over the error and the state's retry
 * counts; randomness (JitterStrategy FULL) comes in as an argument.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { Catcher, State } from '../definition/types.ts';
import { StatesErrorName } from '../errors.ts';
import { isStatesError, processCatch } from '../dataflow/index.ts';
import { backoffMs, findCatcher, findRetrier } from './retry.ts';
import type { Outcome, StateContext } from './outcome.ts';

export type Recovery =
  /** attempt `attempt` of retrier `retrier` after `delayMs` */
  | { kind: 'retry'; retrier: number; attempt: number; delayMs: number }
  | { kind: 'catch'; catcher: Catcher }
  | { kind: 'fail' };

/**
 * `fromTask`: the error is a task's own (States.TaskFailed matches it); `retryCounts[i]`: the
 * retries retrier i has made since the state was entered. States.Runtime is never retried nor caught.
 *
 * @example
 * recover({ Type: 'Task', Resource: arn, Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }, 'Boom', true, [], Math.random);
 * // { kind: 'retry', retrier: 0, attempt: 1, delayMs: 1000 }
 */
export function recover(state: State, error: string, fromTask: boolean, retryCounts: readonly number[], random: () => number): Recovery {
  if (error === StatesErrorName.Runtime || state.Type === 'Fail') return { kind: 'fail' };
  const retriers = 'Retry' in state ? state.Retry : undefined;
  const ri = findRetrier(retriers, error, fromTask);
  if (ri >= 0) {
    const attempt = (retryCounts[ri] ?? 0) + 1;
    const delayMs = backoffMs(retriers![ri], attempt, random);
    if (delayMs !== undefined) return { kind: 'retry', retrier: ri, attempt, delayMs };
  }
  const catcher = findCatcher('Catch' in state ? state.Catch : undefined, error, fromTask);
  return catcher ? { kind: 'catch', catcher } : { kind: 'fail' };
}

/**
 * A caught error's way on: the error output (`{ Error, Cause }`) through the catcher's
 * ResultPath or Output and its Assign, to the catcher's Next. `input` is the state's raw input.
 */
export function caught(catcher: Catcher, input: JsonValue, error: { error: string; cause?: string }, ctx: StateContext): Outcome | Promise<Outcome> {
  const errorOutput: JsonObject = { Error: error.error };
  if (error.cause !== undefined) errorOutput.Cause = error.cause;
  if (ctx.queryLanguage === 'JSONata') {
    return processCatch.JSONata(catcher, input, errorOutput, ctx).then((exit) => (isStatesError(exit) ? { kind: 'fail', error: exit } : { kind: 'next', next: catcher.Next, output: exit.output, assigned: exit.assigned }));
  }
  const exit = processCatch.JSONPath(catcher, input, errorOutput, ctx);
  return isStatesError(exit) ? { kind: 'fail', error: exit } : { kind: 'next', next: catcher.Next, output: exit.output, assigned: exit.assigned };
}

/**
 * The end of a state that produced a result (a Task's, a Parallel's branches', a Map's
 * iterations'): the result through the state's output processing, then its Next or End.
 */
import type { JsonValue } from '../json.ts';
import type { MapState, ParallelState, TaskState } from '../definition/types.ts';
import { isStatesError, processOutput } from '../dataflow/index.ts';
import { exitOutcome, type Outcome, type StateContext } from './outcome.ts';

/**
 * `input` is the state's raw input; a JSONPath state answers synchronously.
 *
 * @example
 * completeWithResult({ Type: 'Task', Resource: arn, ResultPath: '$.r', End: true }, { a: 1 }, 2, ctx);
 * // { kind: 'end', output: { a: 1, r: 2 }, assigned: null }
 */
export function completeWithResult<S extends TaskState | ParallelState | MapState>(state: S, input: JsonValue, result: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  if (ctx.queryLanguage === 'JSONata') {
    return processOutput.JSONata(state, input, result, ctx).then((exit) => (isStatesError(exit) ? { kind: 'fail', error: exit } : exitOutcome(state, exit.output, exit.assigned)));
  }
  const exit = processOutput.JSONPath(state, input, result, ctx);
  return isStatesError(exit) ? { kind: 'fail', error: exit } : exitOutcome(state, exit.output, exit.assigned);
}

/**
 * Parallel: the input every branch starts from, and, once the runner has run the branches, their
 * outputs (in branch order) through the state's dataflow. Pure: the runner runs the branches.
 */
import type { JsonValue } from '../json.ts';
import type { ParallelState } from '../definition/types.ts';
import { isStatesError, processInput, type Flow } from '../dataflow/index.ts';
import { payloadText, rememberText, rememberedText } from '../history/events.ts';
import { completeWithResult } from './complete.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: ParallelState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  if (ctx.queryLanguage === 'JSONata') {
    const args = processInput.JSONata(state, input, ctx);
    return args instanceof Promise ? args.then((a) => fanOut(state, a)) : fanOut(state, args);
  }
  return fanOut(state, processInput.JSONPath(state, input, ctx));
}

function fanOut(state: ParallelState, input: Flow<JsonValue>): Outcome {
  if (isStatesError(input)) return { kind: 'fail', error: input };
  return { kind: 'fanOut', input, items: undefined, maxConcurrency: 0, toleratedFailureCount: 0, toleratedFailurePercentage: 0 };
}

/** The branches' outputs, in branch order, as the state's result. */
export function complete(state: ParallelState, input: JsonValue, results: JsonValue[], ctx: StateContext): Outcome | Promise<Outcome> {
  // AWS joins the branch outputs' own texts (recorded: a branch passing "[[1, 2, 3], [4, 5, 6]]"
  // through gives "[[[1, 2, 3], [4, 5, 6]]]"); the separator between branches is not recorded
  if (results.some((r) => rememberedText(r) !== undefined)) rememberText(results, `[${results.map(payloadText).join(',')}]`);
  return completeWithResult(state, input, results, ctx);
}

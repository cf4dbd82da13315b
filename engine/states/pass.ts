/** Pass: its input (or its Result) passed on through the state's dataflow. */
import type { JsonValue } from '../json.ts';
import type { PassState } from '../definition/types.ts';
import { isStatesError, processInput, processOutput } from '../dataflow/index.ts';
import { exitOutcome, type Outcome, type StateContext } from './outcome.ts';

export function evaluate(state: PassState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

/** Synchronous: a JSONPath Pass moves on without awaiting, so concurrent branches keep their event order. */
function evaluateJsonPath(state: PassState, input: JsonValue, ctx: StateContext): Outcome {
  const effective = processInput.JSONPath(state, input, ctx);
  if (isStatesError(effective)) return { kind: 'fail', error: effective };
  const exit = processOutput.JSONPath(state, input, state.Result !== undefined ? state.Result : effective, ctx);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return exitOutcome(state, exit.output, exit.assigned);
}

async function evaluateJsonata(state: PassState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  const exit = await processOutput.JSONata(state, input, undefined, ctx);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return exitOutcome(state, exit.output, exit.assigned);
}

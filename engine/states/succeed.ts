/** Succeed: the branch ends with the state's output; it assigns no variables. */
import type { JsonValue } from '../json.ts';
import type { SucceedState } from '../definition/types.ts';
import { isStatesError, processInput, processOutput } from '../dataflow/index.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: SucceedState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

function evaluateJsonPath(state: SucceedState, input: JsonValue, ctx: StateContext): Outcome {
  const effective = processInput.JSONPath(state, input, ctx);
  if (isStatesError(effective)) return { kind: 'fail', error: effective };
  const exit = processOutput.JSONPath(state, input, effective, ctx);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return { kind: 'end', output: exit.output, assigned: null };
}

async function evaluateJsonata(state: SucceedState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  const exit = await processOutput.JSONata(state, input, undefined, ctx);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return { kind: 'end', output: exit.output, assigned: null };
}

/**
 * Choice: the first rule that matches names the next state, else Default; with neither the state
 * fails with States.NoChoiceMatched. The matched rule's Assign and Output win over the state's.
 */
import type { JsonValue } from '../json.ts';
import type { ChoiceState } from '../definition/types.ts';
import { NoChoiceMatched } from '../errors.ts';
import { evaluateField, fieldError, isStatesError, pathRoots, processInput, processOutput } from '../dataflow/index.ts';
import { selectChoiceRule } from './choice-rules.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: ChoiceState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

function noChoiceMatched(): Outcome {
  return { kind: 'fail', error: new NoChoiceMatched('No Matches!') };
}

function evaluateJsonPath(state: ChoiceState, input: JsonValue, ctx: StateContext): Outcome {
  const effective = processInput.JSONPath(state, input, ctx);
  if (isStatesError(effective)) return { kind: 'fail', error: effective };
  // a Variable that selects nothing is States.Runtime, thrown by the rules as AWS raises it
  let rule;
  try {
    rule = selectChoiceRule(state as never, pathRoots(effective, ctx));
  } catch (e) {
    if (isStatesError(e)) return { kind: 'fail', error: e };
    throw e;
  }
  const next = rule ? (rule.Next as string) : state.Default;
  if (next === undefined) return noChoiceMatched();
  // the matched rule's Assign, else the state's (a Default transition)
  const exit = processOutput.JSONPath(state, input, effective, ctx, rule ?? undefined);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return { kind: 'next', next, output: exit.output, assigned: exit.assigned };
}

async function evaluateJsonata(state: ChoiceState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  for (const rule of state.Choices) {
    const cond = await evaluateField(rule.Condition, { input }, ctx, 'Condition');
    if (isStatesError(cond)) return { kind: 'fail', error: cond };
    if (typeof cond !== 'boolean') {
      return { kind: 'fail', error: fieldError(ctx, 'Condition', `The Condition field evaluated to ${JSON.stringify(cond)}, but must evaluate to a boolean.`) };
    }
    if (cond) return next(await processOutput.JSONata(state, input, undefined, ctx, rule), rule.Next as string);
  }
  if (state.Default === undefined) return noChoiceMatched();
  return next(await processOutput.JSONata(state, input, undefined, ctx), state.Default);
}

function next(exit: Awaited<ReturnType<typeof processOutput.JSONata>>, target: string): Outcome {
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return { kind: 'next', next: target, output: exit.output, assigned: exit.assigned };
}

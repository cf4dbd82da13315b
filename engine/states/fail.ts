/**
 * Fail: the error and cause the state fails with, from its fields (Error/Cause, ErrorPath/CausePath
 * in JSONPath, JSONata expressions in Error/Cause). A value that is not a string is written as JSON.
 */
import type { JsonValue } from '../json.ts';
import type { FailState } from '../definition/types.ts';
import { ExecutionError } from '../errors.ts';
import { applyDynamicValue, evaluateField, isStatesError } from '../dataflow/index.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: FailState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

function evaluateJsonPath(state: FailState, input: JsonValue, ctx: StateContext): Outcome {
  let error: JsonValue | undefined = state.Error;
  let cause: JsonValue | undefined = state.Cause;
  if (state.ErrorPath !== undefined) {
    const v = applyDynamicValue(state.ErrorPath, input, ctx, 'ErrorPath');
    if (isStatesError(v)) return { kind: 'fail', error: v };
    error = v;
  }
  if (state.CausePath !== undefined) {
    const v = applyDynamicValue(state.CausePath, input, ctx, 'CausePath');
    if (isStatesError(v)) return { kind: 'fail', error: v };
    cause = v;
  }
  return { kind: 'fail', error: failure(error, cause) };
}

async function evaluateJsonata(state: FailState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  let error: JsonValue | undefined = state.Error;
  let cause: JsonValue | undefined = state.Cause;
  if (error !== undefined) {
    const v = await evaluateField(error, { input }, ctx, 'Error');
    if (isStatesError(v)) return { kind: 'fail', error: v };
    error = v;
  }
  if (cause !== undefined) {
    const v = await evaluateField(cause, { input }, ctx, 'Cause');
    if (isStatesError(v)) return { kind: 'fail', error: v };
    cause = v;
  }
  return { kind: 'fail', error: failure(error, cause) };
}

/** The state's own error; without an Error field its `error` is undefined, which no Retry or Catch matches. */
function failure(error: JsonValue | undefined, cause: JsonValue | undefined): ExecutionError {
  const err = new ExecutionError(
    error === undefined ? '' : typeof error === 'string' ? error : JSON.stringify(error),
    cause === undefined ? undefined : typeof cause === 'string' ? cause : JSON.stringify(cause),
  );
  if (error === undefined) Object.defineProperty(err, 'error', { value: undefined });
  return err;
}

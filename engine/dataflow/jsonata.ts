/**
 * One JSONata field of a state, evaluated with `$states` and the variables in scope. A failure is
 * the `States.QueryEvaluationError` AWS records, its cause naming the state and its entered event.
 */
import type { JsonValue } from '../json.ts';
import { ExecutionError, QueryEvaluationError, stateErrorCause } from '../errors.ts';
import { EvaluationAborted, evaluateTemplate, type JsonataBindings } from '../query/jsonata/index.ts';
import { type DataflowContext, type Flow, type StatesError } from './context.ts';

/**
 * What `$states` holds besides `context`: the state's raw input always; `result` only in the
 * Output and Assign of a Task, Parallel or Map that succeeded; `errorOutput` only in a catcher's.
 */
export interface StatesValues {
  input: JsonValue;
  result?: JsonValue;
  errorOutput?: JsonValue;
}

/**
 * Evaluates every `{% %}` template in `value` (a whole field: Arguments, Output, an Assign,
 * Items, ...), in definition order. `field` is the field's name: the error's `location`.
 *
 * @example
 * await evaluateField('{% $states.input.n + 1 %}', { input: { n: 1 } }, ctx, 'Output'); // 2
 */
export async function evaluateField(value: JsonValue, states: StatesValues, ctx: DataflowContext, field: string): Promise<Flow<JsonValue>> {
  const bindings: JsonataBindings = {
    states: {
      input: states.input,
      context: ctx.context,
      ...(states.result !== undefined ? { result: states.result } : {}),
      ...(states.errorOutput !== undefined ? { errorOutput: states.errorOutput } : {}),
    },
    variables: ctx.variables,
  };
  try {
    // the context is the JSONata env: it calls uuid/random/now as the context's methods
    return await evaluateTemplate(value, bindings, ctx, field);
  } catch (e) {
    // cut short by StopExecution or a failed sibling: no failure of the state's, the frame unwinds
    if (e instanceof EvaluationAborted) throw e;
    return jsonataError(ctx, e, field);
  }
}

/** The error a JSONata evaluation failed with, completed with the state's name and entered event. */
function jsonataError(ctx: DataflowContext, e: unknown, field: string): StatesError {
  const failure = e as { toExecutionError?: (state: string, enteredId: number) => ExecutionError };
  if (typeof failure.toExecutionError === 'function') return failure.toExecutionError(ctx.stateName, ctx.enteredEventId);
  if (e instanceof ExecutionError) return e;
  return new QueryEvaluationError(stateErrorCause(ctx.stateName, ctx.enteredEventId, e instanceof Error ? e.message : String(e)), { cause: e, location: field });
}


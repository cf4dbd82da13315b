/**
 * JSONata as Step Functions evaluates it.
 *
 * - A string is a template when it starts with `{%` and ends with `%}` exactly; the expression
 *   between them is trimmed. Templates may sit anywhere in an object or array field.
 * - `$states` (`input`, `context`, and where AWS offers them `result` and `errorOutput`) and every
 *   visible workflow variable are bound; AWS's `$partition`, `$range`, `$hash`, `$random(seed)`,
 *   `$uuid`, `$parse` are added, `$eval` is removed, `$now`/`$millis` read the injected clock.
 * - Each expression runs within a budget (time, steps, depth) and hands the event loop back every
 *   few milliseconds; regular expressions run on RE2, in linear time.
 * - Every failure is a `States.QueryEvaluationError` thrown as a {@link JsonataFailure}; the
 *   interpreter adds the state name and entered-event id with `toExecutionError`.
 *
 * @example
 * const bindings = { states: { input, context }, variables };
 * try {
 *   const output = await evaluateTemplate(state.Output, bindings, env, 'Output');
 * } catch (e) {
 *   if (e instanceof JsonataFailure) throw e.toExecutionError(stateName, enteredEventId);
 *   throw e;
 * }
 */
export {
  childField,
  compileJsonata,
  containsJsonataTemplate,
  evaluateJsonata,
  evaluateTemplate,
  isJsonataTemplate,
  jsonataExpressionOf,
} from './evaluate.ts';
export type { JsonataBindings } from './evaluate.ts';
export { BudgetLimit, DEFAULT_EVALUATION_LIMITS, EvaluationAborted, EvaluationBudgetExceeded } from './budget.ts';
export type { EvaluationBudget, EvaluationLimits, EvaluationPacer } from './budget.ts';
export { JsonataFailure, JsonataFailureReason, JsonataResultType, jsonataErrorText, jsonTypeOf } from './failure.ts';
export type { JsonataFailureInit } from './failure.ts';
export { HASH_ALGORITHMS, JsonataFunctionError, hash, parseJson, partition, range, seededRandom } from './functions.ts';
export type { JsonataEnv } from './functions.ts';
export { jsonataSyntaxError, jsonataVariableReferences } from './references.ts';
export type { JsonataSyntaxError } from './references.ts';

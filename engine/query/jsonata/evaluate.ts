/**
 * Evaluating JSONata the way a Step Functions JSONata state does: `$states` and every visible
 * workflow variable bound, AWS's extra functions available, results converted to plain JSON.
 */
import jsonata from 'jsonata';
import type { JsonObject, JsonValue } from '../../json.ts';
import { LinearRegExp } from '../regex.ts';
import { BudgetLimit, EVALUATE_ENTRY, EvaluationAborted, EvaluationBudgetExceeded, EvaluationMeter, METER, isStackOverflow, meterStep } from './budget.ts';
import { JsonataFailure, JsonataResultType, jsonTypeOf } from './failure.ts';
import { CALL_CONTEXT, REMOVED_FUNCTIONS, registerAwsFunctions } from './functions.ts';
import type { CallContext, JsonataEnv } from './functions.ts';

/** What an expression can see: `$states` and the workflow variables in scope. */
export interface JsonataBindings {
  states: {
    /** The state's raw input. */
    input: JsonValue;
    /** The context object. */
    context: JsonValue;
    /** The task/sub-workflow result; absent where AWS does not offer it. */
    result?: JsonValue;
    /** The error output; only in a Catch. */
    errorOutput?: JsonValue;
  };
  /** Every variable visible from the state (inner scopes already merged over outer ones). */
  variables: Record<string, JsonValue>;
}

const cache = new Map<string, jsonata.Expression>();
const CACHE_LIMIT = 10_000;

/** JSONata's regex literals run on RE2: linear time, whatever the pattern and the input. */
const JSONATA_OPTIONS: jsonata.JsonataOptions = { RegexEngine: LinearRegExp as unknown as RegExpConstructor };

/**
 * The compiled expression, from cache; throws JSONata's syntax error (`S0203` ...) when it does not
 * parse. Every compiled expression carries the step meter; it charges an evaluation only when
 * that evaluation binds a meter.
 */
export function compileJsonata(expression: string): jsonata.Expression {
  let compiled = cache.get(expression);
  if (compiled !== undefined) return compiled;
  compiled = jsonata(expression, JSONATA_OPTIONS);
  registerAwsFunctions(compiled);
  compiled.assign(EVALUATE_ENTRY as unknown as string, meterStep);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(expression, compiled);
  return compiled;
}

/** Thrown by {@link toJson} for a value JSON cannot carry. */
class NotJson extends Error {}

/**
 * A JSONata result as plain JSON: sequences and null-prototype objects become ordinary arrays and
 * objects, -0 becomes 0. Throws {@link NotJson} for functions, regexes and non-finite numbers.
 * `undefined` at the top stays `undefined`; inside an object its key is dropped.
 */
function toJson(value: unknown): JsonValue | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson();
      return value === 0 ? 0 : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
      const v = value as Record<string, unknown>;
      if (v._jsonata_lambda === true || v._jsonata_function === true || value instanceof RegExp) throw new NotJson();
      const out: JsonObject = {};
      for (const key of Object.keys(v)) {
        const item = toJson(v[key]);
        if (item !== undefined) out[key] = item;
      }
      return out;
    }
    default:
      // function (a regex literal evaluates to one), bigint, symbol
      throw new NotJson();
  }
}

/**
 * Evaluates one JSONata expression (the text between `{%` and `%}`) with `$states` and every
 * variable bound. Returns `undefined` when the expression produces nothing; the caller decides
 * whether that is an error ({@link evaluateTemplate} says it is).
 *
 * Throws {@link JsonataFailure} (naming `field`) when JSONata raises an error or the result is not
 * JSON (a function, a regex, a non-finite number), or when the expression spends `env.budget`
 * (too long, too many steps, too deep). With a budget the evaluation also lets the event loop run
 * every `sliceMs`, so an expression that never ends cannot starve other work; once `env.signal`
 * is aborted it stops early, rejecting with EvaluationAborted (not a JsonataFailure).
 *
 * @example
 * await evaluateJsonata('$sum($states.input.values) + $bonus',
 *   { states: { input: { values: [1, 2] }, context: {} }, variables: { bonus: 1 } },
 *   { uuid: ids.uuid, random: rng.next }); // 4
 */
export async function evaluateJsonata(
  expression: string,
  bindings: JsonataBindings,
  env: JsonataEnv,
  field = '',
): Promise<JsonValue | undefined> {
  const context: CallContext = { env };
  const states: JsonObject = { input: bindings.states.input, context: bindings.states.context };
  if (bindings.states.result !== undefined) states.result = bindings.states.result;
  if (bindings.states.errorOutput !== undefined) states.errorOutput = bindings.states.errorOutput;
  let raw: unknown;
  try {
    const compiled = compileJsonata(expression);
    raw = await compiled.evaluate(undefined, {
      ...REMOVED_FUNCTIONS,
      ...bindings.variables,
      states,
      [CALL_CONTEXT]: context,
      [METER]: env.budget === undefined ? undefined : new EvaluationMeter(env.budget, env.signal),
    });
  } catch (error) {
    if (error instanceof EvaluationAborted) throw error;
    if (error instanceof EvaluationBudgetExceeded) throw JsonataFailure.budgetExceeded(expression, field, error);
    if (isStackOverflow(error)) throw tooDeep(expression, field, error);
    throw JsonataFailure.evaluationError(expression, field, error);
  }
  try {
    return toJson(raw);
  } catch (error) {
    if (error instanceof NotJson) throw JsonataFailure.unsupportedResultType(expression, field);
    if (isStackOverflow(error)) throw tooDeep(expression, field, error);
    throw error;
  }
}

/**
 * A stack overflow (JSONata recursing synchronously, or a result nested deeper than the stack)
 * fails as the depth limit does, never as a crash.
 */
function tooDeep(expression: string, field: string, overflow: unknown): JsonataFailure {
  const limits = { timeMs: Infinity, maxSteps: Infinity, maxDepth: Infinity };
  return JsonataFailure.budgetExceeded(expression, field, new EvaluationBudgetExceeded(BudgetLimit.Depth, limits, { cause: overflow }));
}

/**
 * True for a string Step Functions evaluates as JSONata: it starts with `{%` and ends with `%}`,
 * with nothing before or after (`" {% x %} "` is a plain string, as the recordings show).
 */
export function isJsonataTemplate(s: unknown): boolean {
  return typeof s === 'string' && s.length >= 4 && s.startsWith('{%') && s.endsWith('%}');
}

/** The expression inside a template, trimmed: the text AWS quotes in its error causes. */
export function jsonataExpressionOf(template: string): string {
  return template.slice(2, -2).trim();
}

/** The path of a nested field: `Arguments/FunctionName`; array items as `Output/0` (unrecorded). */
export function childField(field: string, key: string | number): string {
  return field === '' ? String(key) : `${field}/${key}`;
}

/**
 * Evaluates every `{% %}` string in `value`, recursively through objects and arrays; every other
 * value passes through unchanged (a fresh copy for objects and arrays). Keys and items are
 * evaluated in order, one at a time, so `$uuid()`/`$random()` draw in definition order.
 *
 * `field` names the ASL field (`Output`, `Arguments`, `Assign/result`, `Items`, ...); nested
 * templates report `field/key`. When `expected` is given and the whole field is a template, its
 * result must have that JSON type (`integer`: a whole number).
 *
 * Throws {@link JsonataFailure}: returned nothing, unsupported result type, unexpected result
 * type, or a JSONata error.
 *
 * @example
 * await evaluateTemplate({ id: '{% $uuid() %}', n: 1 }, bindings, env, 'Output'); // { id: '…', n: 1 }
 * await evaluateTemplate('{% $states.input.items %}', bindings, env, 'Items', 'array');
 */
export async function evaluateTemplate(
  value: JsonValue,
  bindings: JsonataBindings,
  env: JsonataEnv,
  field: string,
  expected?: JsonataResultType,
): Promise<JsonValue> {
  if (typeof value === 'string' && isJsonataTemplate(value)) {
    const expression = jsonataExpressionOf(value);
    const result = await evaluateJsonata(expression, bindings, env, field);
    if (result === undefined) throw JsonataFailure.returnedNothing(expression, field);
    if (expected !== undefined && !hasType(result, expected)) {
      throw JsonataFailure.unexpectedResultType(expression, field, expected, result);
    }
    return result;
  }
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateTemplate(value[i], bindings, env, childField(field, i)));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) out[key] = await evaluateTemplate(value[key], bindings, env, childField(field, key));
    return out;
  }
  return value;
}

/** True when a template string appears anywhere in `value` (a constant field needs no bindings). */
export function containsJsonataTemplate(value: JsonValue): boolean {
  if (isJsonataTemplate(value)) return true;
  if (Array.isArray(value)) return value.some(containsJsonataTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsJsonataTemplate);
  return false;
}

function hasType(value: JsonValue, expected: JsonataResultType): boolean {
  if (expected === JsonataResultType.Integer) return typeof value === 'number' && Number.isInteger(value);
  return jsonTypeOf(value) === expected;
}

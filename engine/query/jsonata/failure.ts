/**
 * The one error a JSONata field raises: `States.QueryEvaluationError`, whose cause AWS writes as
 *
 *     An error occurred while executing the state '<state>' (entered at the event id #<n>). <detail>
 *
 * Only the interpreter knows the state name and the id of its `*StateEntered` event, so evaluation
 * throws a {@link JsonataFailure} carrying the detail (and the field, which is also the `location`
 * of the EvaluationFailed event); the interpreter completes it with {@link JsonataFailure.toCause}
 * or {@link JsonataFailure.toExecutionError}.
 */
import { QueryEvaluationError, stateErrorCause } from '../../errors.ts';
import type { JsonValue } from '../../json.ts';
import type { EvaluationBudgetExceeded } from './budget.ts';

/** Why a JSONata field failed. */
export const JsonataFailureReason = {
  /** The expression produced no value (JSONata `undefined`). Recorded. */
  ReturnedNothing: 'returnedNothing',
  /** The result is not JSON: a function, a regex, a non-finite number. Recorded for a function. */
  UnsupportedResultType: 'unsupportedResultType',
  /** The result is JSON but of the wrong type for the field (Items must be an array, ...). Recorded for Items. */
  UnexpectedResultType: 'unexpectedResultType',
  /** JSONata raised an error (T0410, D3020, S0203, ...). Format not in the recordings. */
  EvaluationError: 'evaluationError',
  /** The field's value, once evaluated, is invalid for the field (e.g. a Timestamp that is not ISO-8601). Recorded for Timestamp. */
  InvalidFieldValue: 'invalidFieldValue',
  /** The expression spent its evaluation budget (time, steps or depth). Ours: AWS documents no such limit. */
  BudgetExceeded: 'budgetExceeded',
} as const;
export type JsonataFailureReason = (typeof JsonataFailureReason)[keyof typeof JsonataFailureReason];

/** The JSON types AWS names in "Expected 'array', but was 'boolean'". `integer` is our name for integer-only fields. */
export const JsonataResultType = {
  Array: 'array',
  Object: 'object',
  String: 'string',
  Number: 'number',
  Integer: 'integer',
  Boolean: 'boolean',
} as const;
export type JsonataResultType = (typeof JsonataResultType)[keyof typeof JsonataResultType];

export interface JsonataFailureInit {
  reason: JsonataFailureReason;
  /** The ASL field path: `Output`, `Arguments/FunctionName`, `Assign/result`, `Items`, ... */
  field: string;
  /** The expression text between `{%` and `%}`, trimmed; absent for {@link JsonataFailureReason.InvalidFieldValue}. */
  expression?: string;
  /** Everything after the state prefix, exactly as AWS writes it. */
  detail: string;
}

/**
 * A JSONata field that failed to evaluate. It already is a `States.QueryEvaluationError` (with the
 * detail as cause and the field as `location`), so code that cannot name the state still fails the
 * execution correctly; the interpreter should replace it with {@link toExecutionError} to get AWS's
 * full cause text.
 *
 * @example
 * try {
 *   output = await evaluateTemplate(state.Output, bindings, env, 'Output');
 * } catch (e) {
 *   if (e instanceof JsonataFailure) throw e.toExecutionError(stateName, enteredEventId);
 *   throw e;
 * }
 * // cause: "An error occurred while executing the state 'State0' (entered at the event id #2).
 * //         The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."
 * // location (EvaluationFailed event): "Output"
 */
export class JsonataFailure extends QueryEvaluationError {
  readonly reason: JsonataFailureReason;
  readonly field: string;
  readonly expression: string | undefined;
  readonly detail: string;

  constructor(init: JsonataFailureInit, options?: { cause?: unknown }) {
    super(init.detail, { cause: options?.cause, location: init.field });
    this.reason = init.reason;
    this.field = init.field;
    this.expression = init.expression;
    this.detail = init.detail;
  }

  /** AWS's cause text, once the state and the id of its `*StateEntered` event are known. */
  toCause(stateName: string, enteredEventId: number): string {
    return stateErrorCause(stateName, enteredEventId, this.detail);
  }

  /** The error to fail the state with: `States.QueryEvaluationError`, full cause, `location` = the field. */
  toExecutionError(stateName: string, enteredEventId: number): QueryEvaluationError {
    return new QueryEvaluationError(this.toCause(stateName, enteredEventId), { cause: this, location: this.field });
  }

  /** "... returned nothing (undefined)." */
  static returnedNothing(expression: string, field: string): JsonataFailure {
    return new JsonataFailure({
      reason: JsonataFailureReason.ReturnedNothing,
      field,
      expression,
      detail: `${prefix(expression, field)} returned nothing (undefined).`,
    });
  }

  /** "... returned an unsupported result type." (a function, or anything else JSON cannot carry) */
  static unsupportedResultType(expression: string, field: string): JsonataFailure {
    return new JsonataFailure({
      reason: JsonataFailureReason.UnsupportedResultType,
      field,
      expression,
      detail: `${prefix(expression, field)} returned an unsupported result type.`,
    });
  }

  /** "... returned an unexpected result type. Expected 'array', but was 'boolean' for value: true" */
  static unexpectedResultType(expression: string, field: string, expected: JsonataResultType, value: JsonValue): JsonataFailure {
    return new JsonataFailure({
      reason: JsonataFailureReason.UnexpectedResultType,
      field,
      expression,
      detail:
        `${prefix(expression, field)} returned an unexpected result type. ` +
        `Expected '${expected}', but was '${jsonTypeOf(value)}' for value: ${JSON.stringify(value)}`,
    });
  }

  /**
   * "... threw an error during evaluation. D3020: Third argument of split function must ..."
   *
   * Caveat: the recordings hold no such failure; the wording comes from engines that captured it
   * from AWS (`<code>: <jsonata-js message>`, no final period).
   */
  static evaluationError(expression: string, field: string, error: unknown): JsonataFailure {
    return new JsonataFailure(
      {
        reason: JsonataFailureReason.EvaluationError,
        field,
        expression,
        detail: `${prefix(expression, field)} threw an error during evaluation. ${jsonataErrorText(error)}`,
      },
      { cause: error },
    );
  }

  /**
   * "... exceeded its evaluation budget: it ran for more than 5000 ms."
   *
   * Caveat: the text is ours; AWS documents no such limit, so this keeps the framing of its other
   * JSONata failures (the expression and the field first).
   */
  static budgetExceeded(expression: string, field: string, error: EvaluationBudgetExceeded): JsonataFailure {
    return new JsonataFailure(
      {
        reason: JsonataFailureReason.BudgetExceeded,
        field,
        expression,
        detail: `${prefix(expression, field)} exceeded its evaluation budget: ${error.message}.`,
      },
      { cause: error },
    );
  }

  /**
   * A field-specific complaint about an evaluated value, without the expression, e.g.
   * `invalidFieldValue('Timestamp', 'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z')`.
   */
  static invalidFieldValue(field: string, message: string): JsonataFailure {
    return new JsonataFailure({ reason: JsonataFailureReason.InvalidFieldValue, field, detail: message });
  }
}

function prefix(expression: string, field: string): string {
  return `The JSONata expression '${expression}' specified for the field '${field}'`;
}

/** The JSON type name AWS prints: null, boolean, number, string, array, object. */
export function jsonTypeOf(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `CODE: message` for a JSONata error, the bare message for anything else. */
export function jsonataErrorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(error);
    return typeof code === 'string' && code !== '' ? `${code}: ${text}` : text;
  }
  return String(error);
}

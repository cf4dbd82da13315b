import { describe, expect, it } from '@jest/globals';
import { ExecutionError, QueryEvaluationError } from '../../../engine/errors.ts';
import type { JsonValue } from '../../../engine/json.ts';
import {
  evaluateTemplate,
  JsonataFailure,
  JsonataFailureReason,
  JsonataResultType,
} from '../../../engine/query/jsonata/index.ts';
import { bindings, fakeEnv } from './fixtures.ts';

interface RecordedFailure {
  /** the recording it comes from */
  recording: string;
  value: JsonValue;
  field: string;
  expected?: JsonataResultType;
  variables?: Record<string, JsonValue>;
  input?: JsonValue;
  state: string;
  enteredEventId: number;
  /** expected_history EvaluationFailed: cause and location */
  cause: string;
  location: string;
}

const prefix = (state: string, id: number) => `An error occurred while executing the state '${state}' (entered at the event id #${id}). `;

const RECORDED: RecordedFailure[] = [
  {
    recording: 'assign/test_undefined_reference[BASE_UNDEFINED_ARGUMENTS]',
    value: '{% $doesNotExist %}',
    field: 'Arguments',
    state: 'State0',
    enteredEventId: 2,
    cause: `${prefix('State0', 2)}The JSONata expression '$doesNotExist' specified for the field 'Arguments' returned nothing (undefined).`,
    location: 'Arguments',
  },
  {
    recording: 'assign/test_undefined_reference[BASE_UNDEFINED_ARGUMENTS_FIELD]',
    value: { FunctionName: '{% $doesNotExist %}' },
    field: 'Arguments',
    state: 'State0',
    enteredEventId: 2,
    cause: `${prefix('State0', 2)}The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' returned nothing (undefined).`,
    location: 'Arguments/FunctionName',
  },
  {
    recording: 'assign/test_undefined_reference[BASE_UNDEFINED_ASSIGN]',
    value: { result: '{% $doesNotExist %}' },
    field: 'Assign',
    state: 'State0',
    enteredEventId: 2,
    cause: `${prefix('State0', 2)}The JSONata expression '$doesNotExist' specified for the field 'Assign/result' returned nothing (undefined).`,
    location: 'Assign/result',
  },
  {
    recording: 'assign/test_undefined_reference[BASE_UNDEFINED_OUTPUT]',
    value: '{% $doesNotExist %}',
    field: 'Output',
    state: 'State0',
    enteredEventId: 2,
    cause: `${prefix('State0', 2)}The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).`,
    location: 'Output',
  },
  {
    recording: 'assign/test_undefined_reference[BASE_UNDEFINED_OUTPUT_FIELD]',
    value: { result: '{% $doesNotExist %}' },
    field: 'Output',
    state: 'State0',
    enteredEventId: 2,
    cause: `${prefix('State0', 2)}The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).`,
    location: 'Output/result',
  },
  {
    recording: 'assign/test_undefined_reference[BASE_UNDEFINED_OUTPUT_MULTIPLE_STATES]',
    value: { result: '{% $doesNotExist %}' },
    field: 'Output',
    state: 'State2',
    enteredEventId: 6,
    cause: `${prefix('State2', 6)}The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).`,
    location: 'Output/result',
  },
  {
    recording: 'states_variables/test_map_catch_error[MAP_CATCH_ERROR_OUTPUT_WITH_RETRY]',
    value: { error: '{% $stateError %}' },
    field: 'Output',
    state: 'Fallback',
    enteredEventId: 13,
    cause: `${prefix('Fallback', 13)}The JSONata expression '$stateError' specified for the field 'Output/error' returned nothing (undefined).`,
    location: 'Output/error',
  },
  ...(
    [
      ['boolean', '{% true %}', 'true', 'true'],
      ['null', '{% null %}', 'null', 'null'],
      ['number', '{% 1 %}', '1', '1'],
      ['object', "{% {'foo': 'bar'} %}", "{'foo': 'bar'}", '{"foo":"bar"}'],
      ['string', "{% 'string' %}", "'string'", '"string"'],
    ] as const
  ).map(([type, value, expression, rendered]): RecordedFailure => ({
    recording: `scenarios/test_map_state_items_eval_jsonata_fail[${type}]`,
    value,
    field: 'Items',
    expected: JsonataResultType.Array,
    state: 'MapIterateState',
    enteredEventId: 2,
    cause:
      `${prefix('MapIterateState', 2)}The JSONata expression '${expression}' specified for the field 'Items' returned an unexpected result type. ` +
      `Expected 'array', but was '${type}' for value: ${rendered}`,
    location: 'Items',
  })),
  ...(
    [
      ['boolean', true, 'true'],
      ['null', null, 'null'],
      ['number', 1, '1'],
      ['object', { foo: 'bar' }, '{"foo":"bar"}'],
      ['string', 'string', '"string"'],
    ] as const
  ).map(([type, itemsVar, rendered]): RecordedFailure => ({
    recording: `scenarios/test_map_state_items_variable_sampling[${type}]`,
    value: '{% $ItemsVar %}',
    field: 'Items',
    expected: JsonataResultType.Array,
    variables: { ItemsVar: itemsVar },
    state: 'MapIterateState',
    enteredEventId: 4,
    cause:
      `${prefix('MapIterateState', 4)}The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result type. ` +
      `Expected 'array', but was '${type}' for value: ${rendered}`,
    location: 'Items',
  })),
  {
    recording: 'scenarios/test_map_state_items_eval_jsonata_fail[function]',
    value: '{% $fn := function($x){$x} %}',
    field: 'Items',
    expected: JsonataResultType.Array,
    state: 'MapIterateState',
    enteredEventId: 2,
    cause: `${prefix('MapIterateState', 2)}The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type.`,
    location: 'Items',
  },
];

async function failureOf(c: Pick<RecordedFailure, 'value' | 'field' | 'expected' | 'variables' | 'input'>): Promise<JsonataFailure> {
  try {
    await evaluateTemplate(c.value, bindings(c.input ?? {}, c.variables ?? {}), fakeEnv(), c.field, c.expected);
  } catch (e) {
    if (e instanceof JsonataFailure) return e;
    throw e;
  }
  throw new Error('evaluation did not fail');
}

describe('JSONata failures, as recorded', () => {
  it.each(RECORDED.map((c) => [c.recording, c] as const))('%s', async (_, c) => {
    const failure = await failureOf(c);

    const error = failure.toExecutionError(c.state, c.enteredEventId);

    expect(error).toBeInstanceOf(QueryEvaluationError);
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.causeText).toBe(c.cause);
    expect(error.location).toBe(c.location);
    expect(failure.toCause(c.state, c.enteredEventId)).toBe(c.cause);
  });

  it('records the Wait Timestamp complaint without an expression (scenarios/test_wait_timestamp_jsonata[INVALID_DATE])', () => {
    const failure = JsonataFailure.invalidFieldValue(
      'Timestamp',
      'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z',
    );

    expect(failure.toCause('WaitState', 2)).toBe(
      "An error occurred while executing the state 'WaitState' (entered at the event id #2). " +
        'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z',
    );
    expect(failure.toExecutionError('WaitState', 2).location).toBe('Timestamp');
  });
});

describe('JsonataFailure', () => {
  it('already is a States.QueryEvaluationError carrying the detail and the field', async () => {
    const failure = await failureOf({ value: { a: '{% $nope %}' }, field: 'Output' });

    expect(failure).toBeInstanceOf(ExecutionError);
    expect(failure.error).toBe('States.QueryEvaluationError');
    expect(failure.name).toBe('States.QueryEvaluationError');
    expect(failure.causeText).toBe("The JSONata expression '$nope' specified for the field 'Output/a' returned nothing (undefined).");
    expect(failure.location).toBe('Output/a');
    expect(failure.reason).toBe(JsonataFailureReason.ReturnedNothing);
    expect(failure.expression).toBe('$nope');
    expect(failure.field).toBe('Output/a');
  });

  it.each<[string, Pick<RecordedFailure, 'value' | 'field' | 'expected'>, JsonataFailureReason, string]>([
    ['an array item by index', { value: [1, '{% $nope %}'], field: 'Output' }, JsonataFailureReason.ReturnedNothing, 'Output/1'],
    ['a deep key', { value: { a: { b: ['{% $nope %}'] } }, field: 'Arguments' }, JsonataFailureReason.ReturnedNothing, 'Arguments/a/b/0'],
    ['a nested function', { value: { f: '{% function(){1} %}' }, field: 'Output' }, JsonataFailureReason.UnsupportedResultType, 'Output/f'],
    ['a regex', { value: '{% /a/ %}', field: 'Output' }, JsonataFailureReason.UnsupportedResultType, 'Output'],
    ['a function inside an object', { value: "{% {'f': function(){1}} %}", field: 'Output' }, JsonataFailureReason.UnsupportedResultType, 'Output'],
    ['an infinite number', { value: '{% 1/0 %}', field: 'Output' }, JsonataFailureReason.UnsupportedResultType, 'Output'],
    ['a JSONata error', { value: "{% $split('a','b',-1) %}", field: 'Output' }, JsonataFailureReason.EvaluationError, 'Output'],
    ['a syntax error', { value: '{% ( %}', field: 'Output' }, JsonataFailureReason.EvaluationError, 'Output'],
    ['a non-boolean Condition', { value: "{% 'yes' %}", field: 'Condition', expected: JsonataResultType.Boolean }, JsonataFailureReason.UnexpectedResultType, 'Condition'],
    ['a fractional Seconds', { value: '{% 1.5 %}', field: 'Seconds', expected: JsonataResultType.Integer }, JsonataFailureReason.UnexpectedResultType, 'Seconds'],
  ])('reports %s', async (_, c, reason, location) => {
    const failure = await failureOf(c);

    expect(failure.reason).toBe(reason);
    expect(failure.location).toBe(location);
  });

  it.each<[string, Pick<RecordedFailure, 'value' | 'field' | 'expected'>, string]>([
    [
      'a JSONata error as code and message',
      { value: "{% $split('a','b',-1) %}", field: 'Output' },
      "The JSONata expression '$split('a','b',-1)' specified for the field 'Output' threw an error during evaluation. " +
        'D3020: Third argument of split function must evaluate to a positive number',
    ],
    [
      'a signature mismatch',
      { value: "{% $each('x', function($v){$v}) %}", field: 'Output' },
      "The JSONata expression '$each('x', function($v){$v})' specified for the field 'Output' threw an error during evaluation. " +
        'T0410: Argument 1 of function "each" does not match function signature',
    ],
    [
      'a syntax error',
      { value: '{% ( %}', field: 'Output' },
      "The JSONata expression '(' specified for the field 'Output' threw an error during evaluation. S0203: Expected \")\" before end of expression",
    ],
    [
      'an integer field given a fraction',
      { value: '{% 1.5 %}', field: 'Seconds', expected: JsonataResultType.Integer },
      "The JSONata expression '1.5' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was 'number' for value: 1.5",
    ],
    [
      'a Condition given a string',
      { value: "{% 'yes' %}", field: 'Condition', expected: JsonataResultType.Boolean },
      "The JSONata expression ''yes'' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'string' for value: \"yes\"",
    ],
  ])('words %s', async (_, c, detail) => {
    expect((await failureOf(c)).detail).toBe(detail);
  });

  it.each<[JsonValue, JsonataResultType]>([
    [[1], JsonataResultType.Array],
    [{}, JsonataResultType.Object],
    ['s', JsonataResultType.String],
    [1.5, JsonataResultType.Number],
    [2, JsonataResultType.Integer],
    [false, JsonataResultType.Boolean],
  ])('accepts %j where %s is expected', async (value, expected) => {
    await expect(evaluateTemplate(`{% ${JSON.stringify(value)} %}`, bindings(), fakeEnv(), 'F', expected)).resolves.toEqual(value);
  });

  it('checks the type only of a whole-field template', async () => {
    await expect(evaluateTemplate([1, '{% 2 %}'], bindings(), fakeEnv(), 'Items', JsonataResultType.Array)).resolves.toEqual([1, 2]);
  });
});

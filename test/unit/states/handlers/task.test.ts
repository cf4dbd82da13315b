import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { QueryLanguage, TaskState } from '../../../../engine/definition/types.ts';
import { QueryEvaluationError, ResultPathMatchFailure, RuntimeError } from '../../../../engine/errors.ts';
import { complete, evaluate } from '../../../../engine/states/task.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const INVOKE = 'arn:aws:states:::lambda:invoke';
const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const task = (fields: Record<string, unknown>): TaskState => state({ Type: 'Task', Resource: INVOKE, Next: 'B', ...fields });
/** The token the fixture context's first two ids make: `uuid-1` and `uuid-2` without its dash. */
const TOKEN = 'uuid-1uuid2';

describe('Task handler: evaluate', () => {
  it.each<[string, QueryLanguage, TaskState, JsonValue, JsonValue]>([
    ['calls the resource with its input when it has no Parameters', 'JSONPath', task({}), { a: 1 }, { a: 1 }],
    [
      'calls the resource with Parameters over the InputPath selection',
      'JSONPath',
      task({ InputPath: '$.in', Parameters: { 'n.$': '$.n', fixed: 'c', nested: { 'deep.$': '$.n' } } }),
      { in: { n: 2 }, out: 0 },
      { n: 2, fixed: 'c', nested: { deep: 2 } },
    ],
    [
      'reads variables, the context object and intrinsic functions in Parameters',
      'JSONPath',
      task({ Parameters: { 'limit.$': '$limit', 'run.$': '$$.Execution.Name', 'text.$': "States.Format('n={}', $.n)", 'id.$': 'States.UUID()' } }),
      { n: 2 },
      { limit: 3, run: 'run-1', text: 'n=2', id: 'uuid-1' },
    ],
    ['calls the resource with its raw input when it has no Arguments', 'JSONata', task({}), { a: 1 }, { a: 1 }],
    [
      'evaluates Arguments over the input, the variables and the context',
      'JSONata',
      task({ Arguments: { sum: '{% $states.input.a + $limit %}', run: '{% $states.context.Execution.Name %}', fixed: 1 } }),
      { a: 1 },
      { sum: 4, run: 'run-1', fixed: 1 },
    ],
    ['evaluates Arguments that are one expression', 'JSONata', task({ Arguments: '{% $states.input.xs[1] %}' }), { xs: [1, 2] }, 2],
  ])('%s (%s)', async (_, ql, s, input, parameters) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toEqual({ kind: 'invoke', parameters });
  });

  it.each<[string, QueryLanguage, TaskState, JsonValue, number, number]>([
    ['takes TimeoutSeconds and HeartbeatSeconds as numbers', 'JSONPath', task({ TimeoutSeconds: 30, HeartbeatSeconds: 10 }), {}, 30, 10],
    [
      'reads TimeoutSecondsPath and HeartbeatSecondsPath over the raw input, not the InputPath selection',
      'JSONPath',
      task({ InputPath: '$.in', TimeoutSecondsPath: '$.t', HeartbeatSecondsPath: '$.h' }),
      { in: { t: 1, h: 1 }, t: 40, h: 20 },
      40,
      20,
    ],
    ['reads a *Path from a variable', 'JSONPath', task({ TimeoutSecondsPath: '$limit', HeartbeatSeconds: 1 }), {}, 3, 1],
    ['takes TimeoutSeconds and HeartbeatSeconds as numbers in JSONata', 'JSONata', task({ TimeoutSeconds: 30, HeartbeatSeconds: 10 }), {}, 30, 10],
    [
      'evaluates TimeoutSeconds and HeartbeatSeconds expressions',
      'JSONata',
      task({ TimeoutSeconds: '{% $states.input.t * 2 %}', HeartbeatSeconds: '{% $limit %}' }),
      { t: 15 },
      30,
      3,
    ],
  ])('%s (%s)', async (_, ql, s, input, timeoutSeconds, heartbeatSeconds) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toMatchObject({ kind: 'invoke', timeoutSeconds, heartbeatSeconds });
  });

  it.each<[string, TaskState, JsonValue, string]>([
    ['a TimeoutSecondsPath that selects nothing', task({ TimeoutSecondsPath: '$.t' }), {}, 'The TimeoutSecondsPath parameter does not reference a valid integer value: null'],
    ['a TimeoutSecondsPath to a string', task({ TimeoutSecondsPath: '$.t' }), { t: '5' }, 'The TimeoutSecondsPath parameter does not reference a valid integer value: "5"'],
    ['a TimeoutSecondsPath to zero', task({ TimeoutSecondsPath: '$.t' }), { t: 0 }, 'The TimeoutSecondsPath parameter does not reference a valid integer value: 0'],
    ['a HeartbeatSecondsPath to a fraction', task({ HeartbeatSecondsPath: '$.h' }), { h: 1.5 }, 'The HeartbeatSecondsPath parameter does not reference a valid integer value: 1.5'],
    ['a HeartbeatSecondsPath to a negative number', task({ HeartbeatSecondsPath: '$.h' }), { h: -2 }, 'The HeartbeatSecondsPath parameter does not reference a valid integer value: -2'],
    ['an InputPath that selects nothing', task({ InputPath: '$.missing' }), { a: 1 }, "Invalid path '$.missing' : No results for path: $['missing']"],
    ['a Parameters path that selects nothing', task({ Parameters: { 'x.$': '$.missing' } }), { a: 1 }, 'The JSONPath \'$.missing\' specified for the field \'x.$\' could not be found in the input \'{"a":1}\''],
  ])('fails with States.Runtime on %s', async (_, s, input, cause) => {
    // Act
    const outcome = await evaluate(s, input, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
  });

  it.each<[string, TaskState, JsonValue, string, string]>([
    ['a TimeoutSeconds of zero', task({ TimeoutSeconds: '{% $states.input.t %}' }), { t: 0 }, 'TimeoutSeconds', 'The TimeoutSeconds field must be a positive integer, but was: 0'],
    ['a TimeoutSeconds that is a string', task({ TimeoutSeconds: '{% $states.input.t %}' }), { t: '5' }, 'TimeoutSeconds', 'The TimeoutSeconds field must be a positive integer, but was: "5"'],
    ['a HeartbeatSeconds that is a fraction', task({ HeartbeatSeconds: '{% $states.input.h %}' }), { h: 2.5 }, 'HeartbeatSeconds', 'The HeartbeatSeconds field must be a positive integer, but was: 2.5'],
  ])('fails with States.QueryEvaluationError on %s', async (_, s, input, location, cause) => {
    // Act
    const outcome = await evaluate(s, input, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toBe(`${PREFIX} ${cause}`);
    expect(outcome.error.location).toBe(location);
  });

  it('fails with States.QueryEvaluationError when an Arguments expression throws', async () => {
    // Act
    const outcome = await evaluate(task({ Arguments: { x: '{% $error("boom") %}' } }), {}, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toContain(PREFIX);
    expect(outcome.error.causeText).toContain('boom');
  });

  it.each<[QueryLanguage, TaskState]>([
    ['JSONPath', task({ Resource: CALLBACK, Parameters: { 'token.$': '$$.Task.Token', 'run.$': '$$.Execution.Name' } })],
    ['JSONata', task({ Resource: CALLBACK, Arguments: { token: '{% $states.context.Task.Token %}', run: '{% $states.context.Execution.Name %}' } })],
  ])('gives a .waitForTaskToken task a token its parameters can read, beside the rest of the context (%s)', async (ql, s) => {
    // Act
    const outcome = await evaluate(s, {}, stateContext(ql));

    // Assess
    expect(outcome).toEqual({ kind: 'invoke', parameters: { token: TOKEN, run: 'run-1' }, taskToken: TOKEN });
  });

  it('gives an activity task a token, which GetActivityTask hands the worker to answer with', async () => {
    // Act
    const outcome = await evaluate(task({ Resource: 'arn:aws:states:us-east-1:123456789012:activity:work' }), { a: 1 }, stateContext('JSONPath'));

    // Assess
    expect(outcome).toEqual({ kind: 'invoke', parameters: { a: 1 }, taskToken: TOKEN });
  });

  it('draws the task token from the context ids, never from a random source of its own', async () => {
    // Prepare
    const ids = ['aaaa-bbbb', 'cccc-dddd'];
    const ctx = stateContext('JSONPath', { uuid: () => ids.shift()! });

    // Act
    const outcome = await evaluate(task({ Resource: CALLBACK }), {}, ctx);

    // Assess
    expect(outcome).toMatchObject({ kind: 'invoke', taskToken: 'aaaa-bbbbccccdddd' });
  });

  it.each<[string, string]>([
    ['a request-response integration', INVOKE],
    ['a .sync integration', 'arn:aws:states:::states:startExecution.sync:2'],
    ['a Lambda function ARN', 'arn:aws:lambda:us-east-1:123456789012:function:work'],
  ])('gives %s no task token and draws no id for one', async (_, resource) => {
    // Prepare
    let drawn = 0;
    const ctx = stateContext('JSONPath', { uuid: () => `id-${++drawn}` });

    // Act
    const outcome = await evaluate(task({ Resource: resource }), { a: 1 }, ctx);

    // Assess
    expect(outcome.kind).toBe('invoke');
    if (outcome.kind !== 'invoke') return;
    expect(outcome.taskToken).toBeUndefined();
    expect(drawn).toBe(0);
  });
});

describe('Task handler: complete', () => {
  const INPUT = { a: 1 };
  const RESULT = { r: 2, extra: 'x' };

  it.each<[string, QueryLanguage, TaskState, Outcome]>([
    ['passes the result on to Next', 'JSONPath', task({}), { kind: 'next', next: 'B', output: RESULT, assigned: null }],
    ['ends the branch with End', 'JSONPath', task({ Next: undefined, End: true }), { kind: 'end', output: RESULT, assigned: null }],
    [
      'selects from the result with ResultSelector and places it with ResultPath',
      'JSONPath',
      task({ ResultSelector: { 'v.$': '$.r' }, ResultPath: '$.res' }),
      { kind: 'next', next: 'B', output: { a: 1, res: { v: 2 } }, assigned: null },
    ],
    ['keeps the input with a null ResultPath', 'JSONPath', task({ ResultPath: null }), { kind: 'next', next: 'B', output: INPUT, assigned: null }],
    ['passes on what OutputPath selects', 'JSONPath', task({ ResultPath: '$.res', OutputPath: '$.res.r' }), { kind: 'next', next: 'B', output: 2, assigned: null }],
    [
      'assigns from the selected result, not the raw one',
      'JSONPath',
      task({ ResultSelector: { 'v.$': '$.r' }, Assign: { 'seen.$': '$.v', 'limit.$': '$limit' } }),
      { kind: 'next', next: 'B', output: { v: 2 }, assigned: { seen: 2, limit: 3 } },
    ],
    ['passes the result on in JSONata', 'JSONata', task({}), { kind: 'next', next: 'B', output: RESULT, assigned: null }],
    [
      'evaluates Output and Assign over $states.result and $states.input',
      'JSONata',
      task({ Next: undefined, End: true, Output: '{% $states.result.r + $states.input.a %}', Assign: { got: '{% $states.result.extra %}' } }),
      { kind: 'end', output: 3, assigned: { got: 'x' } },
    ],
  ])('%s (%s)', async (_, ql, s, expected) => {
    // Act
    const outcome = await complete(s, INPUT, RESULT, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it('answers a JSONPath task without a promise', () => {
    // Act
    const outcome = complete(task({}), INPUT, RESULT, stateContext('JSONPath'));

    // Assess
    expect(outcome).not.toBeInstanceOf(Promise);
  });

  it.each<[string, TaskState, JsonValue, string]>([
    ['through a field that is not an object', task({ ResultPath: '$.a.b' }), { a: 1 }, 'Unable to apply ReferencePath $.a.b to input {"a":1}'],
    ['onto an input that is not an object', task({ ResultPath: '$.r' }), [1, 2], 'Unable to apply ReferencePath $.r to input [1,2]'],
  ])('fails with States.ResultPathMatchFailure for a ResultPath %s', async (_, s, input, cause) => {
    // Act
    const outcome = await complete(s, input, RESULT, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(ResultPathMatchFailure);
    expect(outcome.error.causeText).toBe(cause);
  });

  it.each<[string, TaskState, string]>([
    ['a ResultSelector path that selects nothing', task({ ResultSelector: { 'v.$': '$.missing' } }), 'The JSONPath \'$.missing\' specified for the field \'v.$\' could not be found in the input \'{"r":2,"extra":"x"}\''],
    ['an OutputPath that selects nothing', task({ OutputPath: '$.missing' }), "Invalid path '$.missing' : No results for path: $['missing']"],
  ])('fails with States.Runtime on %s', async (_, s, cause) => {
    // Act
    const outcome = await complete(s, INPUT, RESULT, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
  });

  it('fails with States.QueryEvaluationError when an Output expression throws', async () => {
    // Act
    const outcome = await complete(task({ Output: '{% $error("boom") %}' }), INPUT, RESULT, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toContain(PREFIX);
    expect(outcome.error.causeText).toContain('boom');
  });
});

/**
 * Pass: passes its input to its output, or injects a fixed Result, shaped by the JSONPath
 * input/output fields (InputPath → Parameters → Result → ResultPath → OutputPath) or, in JSONata,
 * by Output.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { detailsOf, eventTypes, payloadOf, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

function pass(fields: object): object {
  return { StartAt: 'P', States: { P: { Type: 'Pass', ...fields, End: true } } };
}

describe('Pass state', () => {
  it('passes its input through unchanged when it has no Result', async () => {
    // Prepare
    const env = testEngine();

    // Act
    const { outcome } = await env.run(pass({}), { order: 42, lines: [1, 2] });

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { order: 42, lines: [1, 2] } });
  });

  it('records PassStateEntered with the input and PassStateExited with the output, between the execution events', async () => {
    const env = testEngine();

    const { history } = await env.run(pass({ Result: { done: true } }), { n: 1 });

    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(history.map((e) => [e.id, e.previousEventId])).toEqual([[1, 0], [2, 0], [3, 2], [4, 3]]);
    expect(detailsOf(history[1])).toMatchObject({ name: 'P', input: '{"n":1}' });
    expect(detailsOf(history[2])).toMatchObject({ name: 'P', output: '{"done":true}' });
  });

  it.each<[string, object, JsonValue, JsonValue]>([
    ['Result replaces the input', { Result: { a: 1 } }, { x: 0 }, { a: 1 }],
    ['ResultPath puts the Result inside the input', { Result: { a: 1 }, ResultPath: '$.result' }, { x: 0 }, { x: 0, result: { a: 1 } }],
    ['ResultPath creates missing parent fields', { Result: 'v', ResultPath: '$.a.b' }, { x: 0 }, { x: 0, a: { b: 'v' } }],
    ['ResultPath overwrites an existing field', { Result: 'new', ResultPath: '$.x' }, { x: 'old' }, { x: 'new' }],
    ['ResultPath null discards the Result', { Result: { a: 1 }, ResultPath: null }, { x: 0 }, { x: 0 }],
    ['InputPath selects the part of the input passed on', { InputPath: '$.inner' }, { inner: { a: 1 }, other: 2 }, { a: 1 }],
    ['InputPath null passes an empty object', { InputPath: null }, { a: 1 }, {}],
    ['OutputPath filters the output', { OutputPath: '$.keep' }, { keep: [1], drop: 2 }, [1]],
    ['OutputPath null outputs an empty object', { OutputPath: null }, { a: 1 }, {}],
    [
      'Parameters builds a new input from paths, the context object and literals',
      { Parameters: { 'id.$': '$.order.id', 'state.$': '$$.State.Name', fixed: 'x' } },
      { order: { id: 7 } },
      { id: 7, state: 'P', fixed: 'x' },
    ],
    [
      'Parameters evaluates intrinsic functions',
      { Parameters: { 'greeting.$': "States.Format('Hello, {}!', $.name)", 'n.$': 'States.ArrayLength($.xs)' } },
      { name: 'Ada', xs: [1, 2, 3] },
      { greeting: 'Hello, Ada!', n: 3 },
    ],
    [
      'ResultPath writes the Parameters result into the raw input, after InputPath narrowed it',
      { InputPath: '$.a', Parameters: { 'v.$': '$.b' }, ResultPath: '$.out' },
      { a: { b: 5 } },
      { a: { b: 5 }, out: { v: 5 } },
    ],
  ])('%s', async (_behaviour, fields, input, expected) => {
    const env = testEngine();

    const { outcome } = await env.run(pass(fields), input);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it('fails with States.Runtime when InputPath selects nothing', async () => {
    const env = testEngine();

    const { outcome } = await env.run(pass({ InputPath: '$.missing' }), { present: 1 });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect((outcome as { cause: string }).cause).toContain("Invalid path '$.missing'");
  });

  it('fails with States.Runtime when a Parameters path is absent from the input', async () => {
    const env = testEngine();

    const { outcome } = await env.run(pass({ Parameters: { 'v.$': '$.absent' } }), { present: 1 });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect((outcome as { cause: string }).cause).toContain("The JSONPath '$.absent' specified for the field 'v.$' could not be found in the input");
  });

  it('chains states through Next, each one receiving the previous output', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Result: 1, ResultPath: '$.first', Next: 'Second' },
        Second: { Type: 'Pass', Result: 2, ResultPath: '$.second', End: true },
      },
    };

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { first: 1, second: 2 } });
    expect(payloadOf(history[3], 'input')).toEqual({ first: 1 });
  });

  describe('in JSONata', () => {
    it.each<[string, object, JsonValue, JsonValue]>([
      ['without Output passes its input through', {}, { a: 1 }, { a: 1 }],
      ['Output computes the output from $states.input', { Output: { total: '{% $sum($states.input.xs) %}' } }, { xs: [1, 2, 3] }, { total: 6 }],
      ['Output may be a single expression', { Output: '{% $states.input.name & "!" %}' }, { name: 'hi' }, 'hi!'],
      ['Output may be a literal', { Output: [1, 'two'] }, {}, [1, 'two']],
    ])('%s', async (_behaviour, fields, input, expected) => {
      const env = testEngine();

      const { outcome } = await env.run({ QueryLanguage: 'JSONata', ...pass(fields) }, input);

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
    });

    it('fails with States.QueryEvaluationError when an Output expression raises', async () => {
      const env = testEngine();

      const { outcome, history } = await env.run({ QueryLanguage: 'JSONata', ...pass({ Output: '{% $number("x") + $undefinedFn() %}' }) }, {});

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
      expect(eventTypes(history)).toEqual(['ExecutionStarted', 'PassStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
    });
  });
});

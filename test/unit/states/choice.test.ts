/**
 * Choice: takes the Next of the first rule that matches, else Default, else fails with
 * States.NoChoiceMatched. Its output is its input (through InputPath/OutputPath, or Output).
 * The operators themselves are covered rule by rule in test/unit/choice/.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { apiError, detailsOf, eventTypes, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

/** A Choice whose targets (every Next and Default it names) are states that output their own name. */
function choice(fields: object): object {
  const states: Record<string, object> = { C: { Type: 'Choice', ...fields } };
  for (const [, t] of JSON.stringify(fields).matchAll(/"(?:Next|Default)":"([^"]+)"/g)) {
    states[t] = { Type: 'Pass', Result: t, End: true };
  }
  return { StartAt: 'C', States: states };
}

const sizeRules = {
  Choices: [
    { Variable: '$.n', NumericLessThan: 10, Next: 'Small' },
    { Variable: '$.n', NumericGreaterThanEquals: 5, Next: 'Large' },
  ],
  Default: 'Other',
};

describe('Choice state (JSONPath)', () => {
  it.each<[string, JsonValue, string]>([
    ['takes the first matching rule even when a later one matches too', { n: 7 }, 'Small'],
    ['takes the second rule when only it matches', { n: 12 }, 'Large'],
    ['takes Default when no rule matches', { n: 'not a number' }, 'Other'],
  ])('%s', async (_behaviour, input, expected) => {
    // Prepare
    const env = testEngine();

    // Act
    const { outcome } = await env.run(choice(sizeRules), input);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it('fails with States.NoChoiceMatched when no rule matches and there is no Default', async () => {
    const env = testEngine();

    const { outcome, history } = await env.run(choice({ Choices: sizeRules.Choices }), { n: 'x' });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'ChoiceStateEntered', 'ExecutionFailed']);
  });

  it.each<[string, object, JsonValue, string]>([
    ['And matches when every rule matches', { And: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.a', StringEquals: 'x' }] }, { a: 'x' }, 'Small'],
    ['And does not match when one rule fails', { And: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.a', StringEquals: 'y' }] }, { a: 'x' }, 'Other'],
    ['Or matches when any rule matches', { Or: [{ Variable: '$.a', StringEquals: 'y' }, { Variable: '$.a', StringEquals: 'x' }] }, { a: 'x' }, 'Small'],
    ['Not inverts a rule', { Not: { Variable: '$.a', StringEquals: 'x' } }, { a: 'z' }, 'Small'],
    ['IsPresent false matches an absent field', { Variable: '$.missing', IsPresent: false }, {}, 'Small'],
    ['StringMatches supports * wildcards', { Variable: '$.file', StringMatches: '*.csv' }, { file: 'orders.csv' }, 'Small'],
    ['a Path comparator compares with another field', { Variable: '$.a', NumericEqualsPath: '$.b' }, { a: 3, b: 3 }, 'Small'],
    ['TimestampLessThan compares instants', { Variable: '$.t', TimestampLessThan: '2024-01-01T00:00:00Z' }, { t: '2023-12-31T23:59:59Z' }, 'Small'],
  ])('%s', async (_behaviour, rule, input, expected) => {
    const env = testEngine();

    const { outcome } = await env.run(choice({ Choices: [{ ...rule, Next: 'Small' }], Default: 'Other' }), input);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it('passes its input on unchanged and records ChoiceStateExited before the next state', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Done' }] },
        Done: { Type: 'Succeed' },
      },
    };

    const { outcome, history } = await env.run(definition, { go: true, data: [1] });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { go: true, data: [1] } });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(history[2])).toMatchObject({ name: 'C', output: '{"go":true,"data":[1]}' });
  });

  it('evaluates rules against the input InputPath selects, and outputs what OutputPath selects', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', InputPath: '$.order', OutputPath: '$.id', Choices: [{ Variable: '$.total', NumericGreaterThan: 100, Next: 'Big' }], Default: 'Big' },
        Big: { Type: 'Pass', End: true },
      },
    };

    const { outcome } = await env.run(definition, { order: { id: 'o-1', total: 500 } });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'o-1' });
  });

  it('applies the Assign of the matching JSONPath choice rule', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: 1, Assign: { picked: 'one' }, Next: 'D' }], Default: 'D' },
        D: { Type: 'Pass', Parameters: { 'p.$': '$picked' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, { a: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { p: 'one' } });
  });

  it('loops back to an earlier state until a rule ends the loop', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 3, Next: 'Count' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };

    const { outcome, history } = await env.run(definition, { n: 0 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { n: 3 } });
    expect(eventTypes(history).filter((t) => t === 'ChoiceStateEntered')).toHaveLength(3);
  });
});

describe('Choice state (JSONata)', () => {
  const rules = {
    QueryLanguage: 'JSONata',
    Choices: [
      { Condition: '{% $states.input.n < 10 %}', Next: 'Small' },
      { Condition: '{% $states.input.n >= 10 %}', Next: 'Large', Output: { big: '{% $states.input.n %}' } },
    ],
    Default: 'Other',
  };

  it.each<[string, JsonValue, JsonValue]>([
    ['takes the first rule whose Condition is true', { n: 3 }, 'Small'],
    ['takes a later rule whose Condition is true', { n: 30 }, 'Large'],
  ])('%s', async (_behaviour, input, expected) => {
    const env = testEngine();

    const { outcome } = await env.run(choice(rules), input);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it("outputs the matching rule's Output to the next state", async () => {
    const env = testEngine();
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n >= 10 %}', Next: 'Large', Output: { big: '{% $states.input.n %}' } }] },
        Large: { Type: 'Pass', End: true },
      },
    };

    const { outcome } = await env.run(definition, { n: 30 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { big: 30 } });
  });

  it('fails with States.QueryEvaluationError when a Condition does not evaluate to a boolean', async () => {
    const env = testEngine();

    const { outcome } = await env.run(choice({ QueryLanguage: 'JSONata', Choices: [{ Condition: '{% $states.input.n %}', Next: 'Small' }] }), { n: 5 });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });

  it('fails with States.NoChoiceMatched when no Condition is true and there is no Default', async () => {
    const env = testEngine();

    const { outcome } = await env.run(choice({ QueryLanguage: 'JSONata', Choices: [{ Condition: '{% false %}', Next: 'Small' }] }), {});

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });
});

describe('Choice definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['a Choice without Choices', { StartAt: 'C', States: { C: { Type: 'Choice', Default: 'D' }, D: { Type: 'Succeed' } } }, 'These fields are required: [Choices] at /States/C'],
    ['a Choice with End', { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'D' }], End: true }, D: { Type: 'Succeed' } } }, "Field 'End' is not supported at /States/C"],
    ['a rule without Next', { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true }], Default: 'D' }, D: { Type: 'Succeed' } } }, 'These fields are required: [Next] at /States/C/Choices[0]'],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});

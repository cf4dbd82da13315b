import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { ChoiceState, QueryLanguage } from '../../../../engine/definition/types.ts';
import { QueryEvaluationError } from '../../../../engine/errors.ts';
import { evaluate } from '../../../../engine/states/choice.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const choice = (fields: Record<string, unknown>): ChoiceState => state({ Type: 'Choice', ...fields });
const byPath = choice({
  Choices: [
    { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big', Assign: { 'size.$': '$.n' } },
    { Variable: '$.n', NumericLessThan: 0, Next: 'Negative' },
  ],
  Default: 'Small',
  Assign: { size: 'default' },
});
const byCondition = choice({
  Choices: [
    { Condition: '{% $states.input.n > 10 %}', Next: 'Big', Assign: { size: '{% $states.input.n %}' }, Output: { big: true } },
    { Condition: '{% $states.input.n < 0 %}', Next: 'Negative' },
  ],
  Default: 'Small',
  Assign: { size: 'default' },
});
const noDefault = (s: ChoiceState): ChoiceState => ({ ...s, Default: undefined });

describe('Choice handler', () => {
  it.each<[string, QueryLanguage, ChoiceState, JsonValue, Outcome]>([
    ['goes to the first matching rule, with its Assign', 'JSONPath', byPath, { n: 11 }, { kind: 'next', next: 'Big', output: { n: 11 }, assigned: { size: 11 } }],
    ["goes to a later matching rule, with the state's Assign when the rule has none", 'JSONPath', byPath, { n: -1 }, { kind: 'next', next: 'Negative', output: { n: -1 }, assigned: { size: 'default' } }],
    ["goes to Default, with the state's Assign", 'JSONPath', byPath, { n: 5 }, { kind: 'next', next: 'Small', output: { n: 5 }, assigned: { size: 'default' } }],
    ['goes to the first rule whose Condition holds, with its Assign and Output', 'JSONata', byCondition, { n: 11 }, { kind: 'next', next: 'Big', output: { big: true }, assigned: { size: 11 } }],
    ["goes to a later rule whose Condition holds, with the state's Assign when the rule has none", 'JSONata', byCondition, { n: -1 }, { kind: 'next', next: 'Negative', output: { n: -1 }, assigned: { size: 'default' } }],
    ["goes to Default, with the state's Assign, in JSONata", 'JSONata', byCondition, { n: 5 }, { kind: 'next', next: 'Small', output: { n: 5 }, assigned: { size: 'default' } }],
  ])('%s (%s)', async (_, ql, s, input, expected) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it.each<[QueryLanguage, ChoiceState]>([
    ['JSONPath', noDefault(byPath)],
    ['JSONata', noDefault(byCondition)],
  ])('fails with States.NoChoiceMatched when no rule matches and there is no Default (%s)', async (ql, s) => {
    // Act
    const outcome = await evaluate(s, { n: 5 }, stateContext(ql));

    // Assess
    expect(outcome).toMatchObject({ kind: 'fail', error: { error: 'States.NoChoiceMatched', causeText: 'No Matches!' } });
  });

  it('fails with States.Runtime when a Variable selects nothing', async () => {
    // Act
    const outcome = await evaluate(byPath, { other: 1 }, stateContext('JSONPath'));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'fail',
      error: { error: 'States.Runtime', causeText: "Invalid path '$.n': The choice state's condition path references an invalid value." },
    });
  });

  it.each<[string, string, string]>([
    ['a number', '{% $states.input.n %}', `${PREFIX} The Condition field evaluated to 5, but must evaluate to a boolean.`],
    ['a string', "{% 'yes' %}", `${PREFIX} The Condition field evaluated to "yes", but must evaluate to a boolean.`],
  ])('fails with States.QueryEvaluationError when a Condition evaluates to %s', async (_, condition, cause) => {
    // Prepare
    const s = choice({ Choices: [{ Condition: condition, Next: 'B' }], Default: 'C' });

    // Act
    const outcome = await evaluate(s, { n: 5 }, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toBe(cause);
    expect(outcome.error.location).toBe('Condition');
  });
});

import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { QueryLanguage, SucceedState } from '../../../../engine/definition/types.ts';
import { evaluate } from '../../../../engine/states/succeed.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { state, stateContext } from './fixtures.ts';

const succeed = (fields: Record<string, unknown> = {}): SucceedState => state({ Type: 'Succeed', ...fields });

describe('Succeed handler', () => {
  it.each<[string, QueryLanguage, SucceedState, JsonValue, Outcome]>([
    ['ends the branch with its input', 'JSONPath', succeed(), { a: 1 }, { kind: 'end', output: { a: 1 }, assigned: null }],
    ['selects its output with InputPath and OutputPath', 'JSONPath', succeed({ InputPath: '$.a', OutputPath: '$.b' }), { a: { b: 2 } }, { kind: 'end', output: 2, assigned: null }],
    ['ends the branch with its input in JSONata', 'JSONata', succeed(), { a: 1 }, { kind: 'end', output: { a: 1 }, assigned: null }],
    ['evaluates Output in JSONata', 'JSONata', succeed({ Output: '{% $states.input.a * 10 %}' }), { a: 1 }, { kind: 'end', output: 10, assigned: null }],
  ])('%s (%s)', async (_, ql, s, input, expected) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it.each<[QueryLanguage, SucceedState, string]>([
    ['JSONPath', succeed({ OutputPath: '$.missing' }), 'States.Runtime'],
    ['JSONata', succeed({ Output: '{% $error("boom") %}' }), 'States.QueryEvaluationError'],
  ])('fails when its output cannot be built (%s)', async (ql, s, error) => {
    // Act
    const outcome = await evaluate(s, { a: 1 }, stateContext(ql));

    // Assess
    expect(outcome).toMatchObject({ kind: 'fail', error: { error } });
  });
});

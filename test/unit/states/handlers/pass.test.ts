import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { PassState, QueryLanguage } from '../../../../engine/definition/types.ts';
import { evaluate } from '../../../../engine/states/pass.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const pass = (fields: Record<string, unknown>): PassState => state({ Type: 'Pass', ...fields });

describe('Pass handler', () => {
  it.each<[string, QueryLanguage, PassState, JsonValue, Outcome]>([
    ['passes its input on to Next', 'JSONPath', pass({ Next: 'B' }), { a: 1 }, { kind: 'next', next: 'B', output: { a: 1 }, assigned: null }],
    ['ends the branch with End', 'JSONPath', pass({ End: true }), { a: 1 }, { kind: 'end', output: { a: 1 }, assigned: null }],
    ['places its Result with ResultPath', 'JSONPath', pass({ Result: { r: 2 }, ResultPath: '$.x', End: true }), { a: 1 }, { kind: 'end', output: { a: 1, x: { r: 2 } }, assigned: null }],
    ['shapes its input with Parameters', 'JSONPath', pass({ Parameters: { 'v.$': '$.a', k: 'c' }, Next: 'B' }), { a: 1 }, { kind: 'next', next: 'B', output: { v: 1, k: 'c' }, assigned: null }],
    ['assigns variables from Assign', 'JSONPath', pass({ Assign: { 'seen.$': '$.a' }, Next: 'B' }), { a: 1 }, { kind: 'next', next: 'B', output: { a: 1 }, assigned: { seen: 1 } }],
    ['passes its input on in JSONata', 'JSONata', pass({ Next: 'B' }), { a: 1 }, { kind: 'next', next: 'B', output: { a: 1 }, assigned: null }],
    ['evaluates Output and Assign in JSONata', 'JSONata', pass({ Output: '{% $states.input.a + 1 %}', Assign: { v: '{% $limit %}' }, End: true }), { a: 1 }, { kind: 'end', output: 2, assigned: { v: 3 } }],
  ])('%s (%s)', async (_, ql, s, input, expected) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it('answers a JSONPath state without a promise, so the interpreter moves on without a tick', () => {
    // Act
    const outcome = evaluate(pass({ End: true }), 1, stateContext('JSONPath'));

    // Assess
    expect(outcome).not.toBeInstanceOf(Promise);
  });

  it.each<[string, QueryLanguage, PassState, string, string]>([
    ['an InputPath that selects nothing', 'JSONPath', pass({ InputPath: '$.missing', End: true }), 'States.Runtime', 'Invalid path'],
    ['an Output expression that throws', 'JSONata', pass({ Output: '{% $error("boom") %}', End: true }), 'States.QueryEvaluationError', PREFIX],
  ])('fails with the dataflow error on %s (%s)', async (_, ql, s, error, causeStart) => {
    // Act
    const outcome = await evaluate(s, { a: 1 }, stateContext(ql));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error.error).toBe(error);
    expect(outcome.error.causeText).toContain(causeStart);
  });
});

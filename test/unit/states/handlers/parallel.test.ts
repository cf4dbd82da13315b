import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { ParallelState, QueryLanguage } from '../../../../engine/definition/types.ts';
import { QueryEvaluationError, ResultPathMatchFailure, RuntimeError } from '../../../../engine/errors.ts';
import { complete, evaluate } from '../../../../engine/states/parallel.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const BRANCH = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const parallel = (fields: Record<string, unknown>): ParallelState => state({ Type: 'Parallel', Branches: [BRANCH, BRANCH], Next: 'B', ...fields });
/** Every branch starts from the same input: no items, no limits, no tolerated failures. */
const fanOut = (input: JsonValue): Outcome => ({ kind: 'fanOut', input, items: undefined, maxConcurrency: 0, toleratedFailureCount: 0, toleratedFailurePercentage: 0 });

describe('Parallel handler: evaluate', () => {
  it.each<[string, QueryLanguage, ParallelState, JsonValue, JsonValue]>([
    ['starts every branch from its input', 'JSONPath', parallel({}), { a: 1 }, { a: 1 }],
    ['starts every branch from the InputPath selection', 'JSONPath', parallel({ InputPath: '$.in' }), { in: { b: 2 }, a: 1 }, { b: 2 }],
    [
      'starts every branch from Parameters over the InputPath selection',
      'JSONPath',
      parallel({ InputPath: '$.in', Parameters: { 'b.$': '$.b', 'limit.$': '$limit', 'run.$': '$$.Execution.Name', fixed: true } }),
      { in: { b: 2 } },
      { b: 2, limit: 3, run: 'run-1', fixed: true },
    ],
    ['starts every branch from its raw input in JSONata', 'JSONata', parallel({}), { a: 1 }, { a: 1 }],
    [
      'starts every branch from its Arguments',
      'JSONata',
      parallel({ Arguments: { sum: '{% $states.input.a + $limit %}', run: '{% $states.context.Execution.Name %}' } }),
      { a: 1 },
      { sum: 4, run: 'run-1' },
    ],
  ])('%s (%s)', async (_, ql, s, input, branchInput) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toEqual(fanOut(branchInput));
  });

  it('answers a JSONPath state without a promise', () => {
    // Act
    const outcome = evaluate(parallel({}), {}, stateContext('JSONPath'));

    // Assess
    expect(outcome).not.toBeInstanceOf(Promise);
  });

  it.each<[string, ParallelState, string]>([
    ['an InputPath that selects nothing', parallel({ InputPath: '$.missing' }), "Invalid path '$.missing' : No results for path: $['missing']"],
    ['a Parameters path that selects nothing', parallel({ Parameters: { 'x.$': '$.missing' } }), 'The JSONPath \'$.missing\' specified for the field \'x.$\' could not be found in the input \'{"a":1}\''],
  ])('fails with States.Runtime on %s', async (_, s, cause) => {
    // Act
    const outcome = await evaluate(s, { a: 1 }, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
  });

  it('fails with States.QueryEvaluationError when an Arguments expression throws', async () => {
    // Act
    const outcome = await evaluate(parallel({ Arguments: { x: '{% $error("boom") %}' } }), { a: 1 }, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toContain(PREFIX);
    expect(outcome.error.causeText).toContain('boom');
  });
});

describe('Parallel handler: complete', () => {
  const INPUT = { a: 1 };
  const RESULTS: JsonValue[] = [{ x: 1 }, { y: 2 }];

  it.each<[string, QueryLanguage, ParallelState, Outcome]>([
    ["passes the branches' outputs on, in branch order", 'JSONPath', parallel({}), { kind: 'next', next: 'B', output: [{ x: 1 }, { y: 2 }], assigned: null }],
    ['ends the branch with End', 'JSONPath', parallel({ Next: undefined, End: true }), { kind: 'end', output: [{ x: 1 }, { y: 2 }], assigned: null }],
    [
      'selects from the outputs with ResultSelector and places them with ResultPath',
      'JSONPath',
      parallel({ ResultSelector: { 'first.$': '$[0].x', 'second.$': '$[1].y' }, ResultPath: '$.both' }),
      { kind: 'next', next: 'B', output: { a: 1, both: { first: 1, second: 2 } }, assigned: null },
    ],
    [
      'assigns from the outputs and passes on what OutputPath selects',
      'JSONPath',
      parallel({ ResultPath: '$.r', OutputPath: '$.r[1]', Assign: { 'first.$': '$[0]' } }),
      { kind: 'next', next: 'B', output: { y: 2 }, assigned: { first: { x: 1 } } },
    ],
    [
      'evaluates Output and Assign over $states.result',
      'JSONata',
      parallel({ Output: '{% $states.result[1].y + $states.input.a %}', Assign: { n: '{% $count($states.result) %}' } }),
      { kind: 'next', next: 'B', output: 3, assigned: { n: 2 } },
    ],
    ["passes the branches' outputs on in JSONata", 'JSONata', parallel({ Next: undefined, End: true }), { kind: 'end', output: [{ x: 1 }, { y: 2 }], assigned: null }],
  ])('%s (%s)', async (_, ql, s, expected) => {
    // Act
    const outcome = await complete(s, INPUT, RESULTS, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it('fails with States.ResultPathMatchFailure for a ResultPath onto an input that is not an object', async () => {
    // Act
    const outcome = await complete(parallel({ ResultPath: '$.r' }), 'text', RESULTS, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(ResultPathMatchFailure);
    expect(outcome.error.causeText).toBe('Unable to apply ReferencePath $.r to input "text"');
  });
});

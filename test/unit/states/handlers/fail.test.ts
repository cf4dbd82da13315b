import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { FailState, QueryLanguage } from '../../../../engine/definition/types.ts';
import { ExecutionError, QueryEvaluationError } from '../../../../engine/errors.ts';
import { evaluate } from '../../../../engine/states/fail.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const fail = (fields: Record<string, unknown> = {}): FailState => state({ Type: 'Fail', ...fields });

describe('Fail handler', () => {
  it.each<[string, QueryLanguage, FailState, JsonValue, string | undefined, string | undefined]>([
    ['fails with its Error and Cause', 'JSONPath', fail({ Error: 'E', Cause: 'C' }), {}, 'E', 'C'],
    ['fails with no cause when it has no Cause', 'JSONPath', fail({ Error: 'E' }), {}, 'E', undefined],
    ['fails with an error no Retry or Catch matches when it has no Error', 'JSONPath', fail({ Cause: 'C' }), {}, undefined, 'C'],
    ['reads ErrorPath and CausePath from its input', 'JSONPath', fail({ ErrorPath: '$.e', CausePath: '$.c' }), { e: 'E', c: 'C' }, 'E', 'C'],
    ['writes a path value that is not a string as JSON', 'JSONPath', fail({ ErrorPath: '$.e', CausePath: '$.c' }), { e: 1, c: { x: [1] } }, '1', '{"x":[1]}'],
    ['reads ErrorPath from a variable and an intrinsic CausePath', 'JSONPath', fail({ ErrorPath: '$limit', CausePath: "States.Format('at {}', $.at)" }), { at: 'S' }, '3', 'at S'],
    ['fails with its Error and Cause in JSONata', 'JSONata', fail({ Error: 'E', Cause: 'C' }), {}, 'E', 'C'],
    ['evaluates Error and Cause expressions', 'JSONata', fail({ Error: '{% $states.input.e %}', Cause: "{% 'limit ' & $limit %}" }), { e: 'E' }, 'E', 'limit 3'],
    ['writes an expression value that is not a string as JSON', 'JSONata', fail({ Error: '{% $states.input.n %}', Cause: '{% $states.input.o %}' }), { n: 7, o: { a: true } }, '7', '{"a":true}'],
  ])('%s (%s)', async (_, ql, s, input, error, cause) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(ExecutionError);
    expect(outcome.error.error).toBe(error);
    expect(outcome.error.causeText).toBe(cause);
  });

  it.each<[string, FailState, string]>([
    ['Error', fail({ Error: '{% $error("bad error") %}', Cause: 'C' }), 'Error'],
    ['Cause', fail({ Error: 'E', Cause: '{% $error("bad cause") %}' }), 'Cause'],
  ])('fails with States.QueryEvaluationError located at %s when its expression throws', async (_, s, location) => {
    // Act
    const outcome = await evaluate(s, {}, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.location).toBe(location);
    expect(outcome.error.causeText?.startsWith(PREFIX)).toBe(true);
  });

  it.each<[string, FailState]>([
    ['ErrorPath', fail({ ErrorPath: '$.missing', Cause: 'C' })],
    ['CausePath', fail({ Error: 'E', CausePath: '$.missing' })],
  ])('fails with States.Runtime when %s selects nothing', async (_, s) => {
    // Act
    const outcome = await evaluate(s, { a: 1 }, stateContext('JSONPath'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'fail', error: { error: 'States.Runtime' } });
  });
});

import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { QueryLanguage, WaitState } from '../../../../engine/definition/types.ts';
import { QueryEvaluationError, RuntimeError } from '../../../../engine/errors.ts';
import { LATEST_WAIT_END_MS, evaluate } from '../../../../engine/states/wait.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { NOW, PREFIX, state, stateContext } from './fixtures.ts';

const wait = (fields: Record<string, unknown>): WaitState => state({ Type: 'Wait', Next: 'B', ...fields });
const AT = Date.parse('2026-02-03T04:05:06Z');

describe('Wait handler', () => {
  it.each<[string, QueryLanguage, WaitState, JsonValue, number]>([
    ['waits Seconds from now', 'JSONPath', wait({ Seconds: 5 }), {}, NOW + 5_000],
    ['waits until Timestamp, dropping fractions of a second', 'JSONPath', wait({ Timestamp: '2026-02-03T04:05:06.789Z' }), {}, AT],
    ['reads a Timestamp with an offset', 'JSONPath', wait({ Timestamp: '2026-02-03T06:05:06+02:00' }), {}, AT],
    ['waits the seconds SecondsPath selects', 'JSONPath', wait({ SecondsPath: '$.s' }), { s: 30 }, NOW + 30_000],
    ['reads SecondsPath from a variable', 'JSONPath', wait({ SecondsPath: '$limit' }), {}, NOW + 3_000],
    ['waits until the timestamp TimestampPath selects', 'JSONPath', wait({ TimestampPath: '$.t' }), { t: '2026-02-03T04:05:06Z' }, AT],
    ['reads SecondsPath over the effective input', 'JSONPath', wait({ InputPath: '$.in', SecondsPath: '$.s' }), { in: { s: 1 } }, NOW + 1_000],
    ['ends a wait past the last instant a Date holds there', 'JSONPath', wait({ SecondsPath: '$.s' }), { s: 2 ** 53 }, LATEST_WAIT_END_MS],
    ['waits Seconds from now in JSONata', 'JSONata', wait({ Seconds: 5 }), {}, NOW + 5_000],
    ['evaluates a Seconds expression', 'JSONata', wait({ Seconds: '{% $states.input.s * 2 %}' }), { s: 4 }, NOW + 8_000],
    ['waits until a Timestamp in JSONata', 'JSONata', wait({ Timestamp: '2026-02-03T04:05:06Z' }), {}, AT],
    ['evaluates a Timestamp expression', 'JSONata', wait({ Timestamp: '{% $states.input.t %}' }), { t: '2026-02-03T04:05:06.5Z' }, AT],
  ])('%s (%s)', async (_, ql, s, input, at) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toMatchObject({ kind: 'scheduleTimer', at });
  });

  it.each<[string, QueryLanguage, WaitState, Outcome]>([
    ['exits with its processed output and Assign', 'JSONPath', wait({ Seconds: 1, OutputPath: '$.a', Assign: { 'w.$': '$.a' } }), { kind: 'scheduleTimer', at: NOW + 1_000, output: 1, assigned: { w: 1 } }],
    ['exits with its Output and Assign in JSONata', 'JSONata', wait({ Seconds: 1, Output: '{% $states.input.a + 1 %}', Assign: { w: '{% $states.input.a %}' } }), { kind: 'scheduleTimer', at: NOW + 1_000, output: 2, assigned: { w: 1 } }],
  ])('%s (%s)', async (_, ql, s, expected) => {
    // Act
    const outcome = await evaluate(s, { a: 1 }, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });

  it('reads the time from its context, never a clock', async () => {
    // Act
    const outcome = await evaluate(wait({ Seconds: 1 }), {}, stateContext('JSONPath', { now: () => 1_000 }));

    // Assess
    expect(outcome).toMatchObject({ at: 2_000 });
  });

  it.each<[WaitState, JsonValue, string]>([
    [wait({ SecondsPath: '$.s' }), {}, 'The SecondsPath parameter does not reference an input value: $.s'],
    [wait({ SecondsPath: '$.s' }), { s: -1 }, 'The SecondsPath parameter references a negative value: $.s == -1'],
    [wait({ SecondsPath: '$.s' }), { s: 1.5 }, 'The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5'],
    [wait({ SecondsPath: '$.s' }), { s: '5' }, 'The SecondsPath parameter cannot be parsed as a long value: $.s == "5"'],
    [wait({ TimestampPath: '$.t' }), {}, 'The TimestampPath parameter does not reference an input value: $.t'],
    [wait({ TimestampPath: '$.t' }), { t: '2026-02-03T04:05:06' }, 'The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2026-02-03T04:05:06'],
    [wait({ TimestampPath: '$.t' }), { t: 5 }, 'The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 5'],
  ])('fails with States.Runtime: %#', async (s, input, cause) => {
    // Act
    const outcome = await evaluate(s, input, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
  });

  it.each<[WaitState, JsonValue, string, string]>([
    [wait({ Seconds: '{% $states.input.s %}' }), { s: -1 }, 'Seconds', 'The Seconds field must be an integer between 0 and 99999999, but was: -1'],
    [wait({ Seconds: '{% $states.input.s %}' }), { s: 100_000_000 }, 'Seconds', 'The Seconds field must be an integer between 0 and 99999999, but was: 100000000'],
    [wait({ Seconds: '{% $states.input.s %}' }), { s: 'x' }, 'Seconds', 'The Seconds field must be an integer between 0 and 99999999, but was: "x"'],
    [wait({ Timestamp: '{% $states.input.t %}' }), { t: 'soon' }, 'Timestamp', 'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: soon'],
    [wait({ Timestamp: '{% $states.input.t %}' }), { t: 5 }, 'Timestamp', 'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 5'],
  ])('fails with States.QueryEvaluationError: %#', async (s, input, location, cause) => {
    // Act
    const outcome = await evaluate(s, input, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toBe(`${PREFIX} ${cause}`);
    expect(outcome.error.location).toBe(location);
  });
});

/**
 * Wait: delays for Seconds / SecondsPath, or until Timestamp / TimestampPath, then passes its
 * input on. On the virtual clock a long wait ends at the right virtual instant in milliseconds of
 * real time.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { apiError, START_MS, eventTypes, eventsOf, secondsAfterStart, testEngines } from '../../support/engine-env.ts';
import { LATEST_WAIT_END_MS, isLongSeconds, isWaitSeconds, parseTimestamp, waitEnd } from '../../../engine/states/wait.ts';

const testEngine = testEngines();

function wait(fields: object, queryLanguage?: 'JSONata'): object {
  return { ...(queryLanguage ? { QueryLanguage: queryLanguage } : {}), StartAt: 'W', States: { W: { Type: 'Wait', ...fields, End: true } } };
}

describe('Wait state', () => {
  it('ends a 2400-second wait 2400 virtual seconds later, in well under a second of real time', async () => {
    // Prepare
    const env = testEngine();
    const realStart = Date.now();

    // Act
    const { outcome, history } = await env.run(wait({ Seconds: 2400 }), { a: 1 });

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { a: 1 } });
    expect(env.now() - START_MS).toBe(2400 * 1000);
    expect(secondsAfterStart(history, 'WaitStateExited')).toEqual([2400]);
    expect(Date.now() - realStart).toBeLessThan(1000);
  });

  it('records WaitStateEntered when the wait begins and WaitStateExited when it ends', async () => {
    const env = testEngine();

    const { history } = await env.run(wait({ Seconds: 60 }), {});

    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
    expect(secondsAfterStart(history, 'WaitStateEntered')).toEqual([0]);
    expect(secondsAfterStart(history, 'ExecutionSucceeded')).toEqual([60]);
  });

  it.each<[string, object, JsonValue, number]>([
    ['Seconds', { Seconds: 90 }, {}, 90],
    ['Seconds 0', { Seconds: 0 }, {}, 0],
    ['SecondsPath', { SecondsPath: '$.delay' }, { delay: 30 }, 30],
    ['Timestamp', { Timestamp: '2024-01-01T01:00:00Z' }, {}, 3600],
    ['Timestamp with an offset', { Timestamp: '2024-01-01T02:00:00+01:00' }, {}, 3600],
    ['Timestamp with fractional seconds', { Timestamp: '2024-01-01T00:00:10.000Z' }, {}, 10],
    ['TimestampPath', { TimestampPath: '$.until' }, { until: '2024-01-02T00:00:00Z' }, 86400],
    ['a Timestamp in the past', { Timestamp: '2020-01-01T00:00:00Z' }, {}, 0],
  ])('waits as long as %s says', async (_field, fields, input, seconds) => {
    const env = testEngine();

    const { outcome, history } = await env.run(wait(fields), input);

    expect(outcome.status).toBe('SUCCEEDED');
    expect(secondsAfterStart(history, 'WaitStateExited')).toEqual([seconds]);
  });

  it('runs consecutive waits back to back on the virtual clock', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Wait', Seconds: 3600, Next: 'B' },
        B: { Type: 'Wait', Seconds: 86400 * 30, Next: 'C' },
        C: { Type: 'Wait', Seconds: 1, End: true },
      },
    };

    const { history } = await env.run(definition, {});

    expect(secondsAfterStart(history, 'WaitStateExited')).toEqual([3600, 3600 + 86400 * 30, 3600 + 86400 * 30 + 1]);
  });

  it('shows the virtual time in the context object: the next state was entered when the wait ended', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 90, Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'started.$': '$$.Execution.StartTime', 'entered.$': '$$.State.EnteredTime' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { started: '2024-01-01T00:00:00.000Z', entered: '2024-01-01T00:01:30.000Z' } });
  });

  it('applies InputPath and OutputPath to its input', async () => {
    const env = testEngine();

    const { outcome } = await env.run(wait({ Seconds: 1, InputPath: '$.a', OutputPath: '$.b' }), { a: { b: 'kept' }, c: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'kept' });
  });

  it.each<[string, object, JsonValue, string]>([
    [
      'SecondsPath references a negative value',
      { SecondsPath: '$.s' }, { s: -1 },
      "An error occurred while executing the state 'W' (entered at the event id #2). The SecondsPath parameter references a negative value: $.s == -1",
    ],
    [
      'SecondsPath references a fraction',
      { SecondsPath: '$.s' }, { s: 1.5 },
      "An error occurred while executing the state 'W' (entered at the event id #2). The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5",
    ],
    [
      'TimestampPath references a date-time without an offset',
      { TimestampPath: '$.t' }, { t: '2016-12-05T21:29:29' },
      "An error occurred while executing the state 'W' (entered at the event id #2). The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2016-12-05T21:29:29",
    ],
  ])('fails with States.Runtime when %s', async (_case, fields, input, cause) => {
    const env = testEngine();

    const { outcome, history } = await env.run(wait(fields), input);

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Runtime', cause });
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed']);
  });

  // "Currently, if you specify the wait time as a timestamp, Step Functions considers the time
  // value up to seconds and truncates milliseconds." (developer guide, Wait state)
  it.each<[string, object, JsonValue]>([
    ['Timestamp', { Timestamp: '2024-01-01T00:00:10.900Z' }, {}],
    ['TimestampPath', { TimestampPath: '$.at' }, { at: '2024-01-01T00:00:10.999999Z' }],
  ])('drops the fraction of a second of a %s', async (_field, fields, input) => {
    const env = testEngine();

    const { outcome } = await env.run(wait(fields), input);

    expect(outcome.status).toBe('SUCCEEDED');
    expect(env.now() - START_MS).toBe(10_000);
  });

  it('fails with States.Runtime when SecondsPath holds a number no long holds', async () => {
    const env = testEngine();

    const { outcome } = await env.run(wait({ SecondsPath: '$.s' }), { s: 1e300 });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: expect.stringContaining('The SecondsPath parameter cannot be parsed as a long value: $.s == 1e+300') });
  });

  it('waits as long as a clock can hold when SecondsPath asks for more, instead of breaking the timer', async () => {
    const env = testEngine();
    const execution = env.start(wait({ SecondsPath: '$.s' }), { s: 1e18 });

    await env.idle();

    expect(env.engine.pendingWork(execution).timers.map((t) => t.fireMs)).toEqual([LATEST_WAIT_END_MS]);
  });

  describe('in JSONata', () => {
    it('waits for the number of seconds an expression computes', async () => {
      const env = testEngine();

      const { outcome, history } = await env.run(wait({ Seconds: '{% $states.input.minutes * 60 %}' }, 'JSONata'), { minutes: 5 });

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { minutes: 5 } });
      expect(secondsAfterStart(history, 'WaitStateExited')).toEqual([300]);
    });

    it('waits until the timestamp an expression computes and outputs its Output', async () => {
      const env = testEngine();

      const { outcome, history } = await env.run(
        wait({ Timestamp: '{% $states.input.at %}', Output: { waited: true } }, 'JSONata'),
        { at: '2024-01-01T00:10:00Z' },
      );

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { waited: true } });
      expect(secondsAfterStart(history, 'WaitStateExited')).toEqual([600]);
    });

    it('fails with States.QueryEvaluationError when Seconds is not a non-negative integer', async () => {
      const env = testEngine();

      const { outcome, history } = await env.run(wait({ Seconds: '{% -5 %}' }, 'JSONata'), {});

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
      expect(eventsOf(history, 'EvaluationFailed')).toHaveLength(1);
    });

    // "You must specify time as an integer value from 0 up to 99999999. In JSONata states, you can
    // alternatively specify a JSONata expression which must evaluate to an integer within the stated range."
    it('fails with States.QueryEvaluationError when Seconds evaluates past 99999999', async () => {
      const env = testEngine();

      const { outcome } = await env.run(wait({ Seconds: '{% 100000000 %}' }, 'JSONata'), {});

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError', cause: expect.stringContaining('The Seconds field must be an integer between 0 and 99999999, but was: 100000000') });
    });
  });
});

describe('Wait definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['a Wait without a duration', { StartAt: 'W', States: { W: { Type: 'Wait', End: true } } }, 'Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath] at /States/W'],
    ['a Wait with two durations', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Timestamp: '2024-01-01T00:00:00Z', End: true } } }, 'Exactly one of these fields is required'],
    ['negative Seconds', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: -1, End: true } } }, "The field 'Seconds' must be an integer between 0 and 99999999"],
    ['a Timestamp that is not ISO-8601', { StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: 'tomorrow', End: true } } }, "The value for the field 'Timestamp' must be a valid ISO-8601 timestamp"],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});

describe('Wait helpers', () => {
  it.each<[string, string, number | undefined]>([
    ['a whole second', '2024-01-01T00:00:10Z', Date.UTC(2024, 0, 1, 0, 0, 10)],
    ['milliseconds dropped', '2024-01-01T00:00:10.999Z', Date.UTC(2024, 0, 1, 0, 0, 10)],
    ['nanoseconds dropped', '2024-01-01T00:00:10.123456789Z', Date.UTC(2024, 0, 1, 0, 0, 10)],
    ['a fraction before 1970 rounds down to its second', '1969-12-31T23:59:59.500Z', -1000],
    ['an offset', '2024-01-01T01:00:10.5+01:00', Date.UTC(2024, 0, 1, 0, 0, 10)],
    ['text that is no timestamp', 'tomorrow', undefined],
  ])('parseTimestamp: %s', (_case, text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it('parseTimestamp keeps the year 9999 as it is', () => {
    expect(parseTimestamp('9999-12-31T23:59:59Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
  });

  it.each<[number, number, number]>([
    [0, 60, 60_000],
    [1_000, 0, 1_000],
    [0, 1e18, LATEST_WAIT_END_MS],
  ])('waitEnd(%d, %d) is %d', (now, seconds, end) => {
    expect(waitEnd(now, seconds)).toBe(end);
  });

  it.each<[unknown, boolean]>([
    [0, true], [5, true], [-1, true], [1e18, true], [1.5, false], [1e300, false], ['5', false], [null, false],
  ])('isLongSeconds(%p) is %p', (v, ok) => {
    expect(isLongSeconds(v)).toBe(ok);
  });

  it.each<[unknown, boolean]>([
    [0, true], [99_999_999, true], [100_000_000, false], [-1, false], [1.5, false], ['5', false],
  ])('isWaitSeconds(%p) is %p', (v, ok) => {
    expect(isWaitSeconds(v)).toBe(ok);
  });
});

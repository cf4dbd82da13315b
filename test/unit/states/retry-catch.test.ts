/**
 * Retry and Catch on Task, Parallel and Map states: which retrier matches (in order, by
 * ErrorEquals), how long each back-off lasts (IntervalSeconds × BackoffRate^(n-1), capped by
 * MaxDelaySeconds, randomised by JitterStrategy FULL), when MaxAttempts is used up, and what a
 * catcher passes to its Next state. Back-offs are virtual time: they show in the timestamps of
 * the retried attempts' events.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import {
  apiError, FakeTasks, detailsOf, eventTypes, eventsOf, fakeTasks, lambdaArn, secondsAfterStart, taskError, testEngines,
} from '../../support/engine-env.ts';

const testEngine = testEngines();

const WORK = lambdaArn('work');

/** A task that fails with these errors in turn, then succeeds with `{ attempt }`. */
function failingWith(...errors: string[]): FakeTasks {
  let attempt = 0;
  return fakeTasks({
    [WORK]: () => {
      const error = errors[attempt++];
      if (error !== undefined) throw taskError(error, `attempt ${attempt} failed`);
      return { attempt };
    },
  });
}

function retrying(fields: object, after: Record<string, object> = {}): object {
  return { StartAt: 'T', States: { T: { Type: 'Task', Resource: WORK, ...fields, ...(fields && 'Next' in fields ? {} : { End: true }) }, ...after } };
}

describe('Retry', () => {
  it('retries after 1, 2 and 4 seconds by default (IntervalSeconds 1, BackoffRate 2, MaxAttempts 3), then fails', async () => {
    // Prepare
    const env = testEngine({ tasks: failingWith('E', 'E', 'E', 'E', 'E') });

    // Act
    const { outcome, history } = await env.run(retrying({ Retry: [{ ErrorEquals: ['E'] }] }), {});

    // Assess
    expect(outcome).toEqual({ status: 'FAILED', error: 'E', cause: 'attempt 4 failed' });
    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual([0, 1, 3, 7]);
    expect(eventsOf(history, 'TaskStateEntered')).toHaveLength(1);
  });

  it('schedules each attempt right after the previous failure event in the same thread of events', async () => {
    const env = testEngine({ tasks: failingWith('E') });

    const { outcome, history } = await env.run(retrying({ Retry: [{ ErrorEquals: ['E'] }] }), {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { attempt: 2 } });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(history[5].previousEventId).toBe(history[4].id);
  });

  it.each<[string, JsonObject, number[]]>([
    ['IntervalSeconds and BackoffRate set the back-off', { IntervalSeconds: 3, BackoffRate: 1.5, MaxAttempts: 2 }, [0, 3, 7.5]],
    ['BackoffRate 1 keeps the interval constant', { IntervalSeconds: 5, BackoffRate: 1, MaxAttempts: 3 }, [0, 5, 10, 15]],
    ['MaxDelaySeconds caps the back-off', { IntervalSeconds: 2, BackoffRate: 10, MaxAttempts: 3, MaxDelaySeconds: 5 }, [0, 2, 7, 12]],
    ['JitterStrategy FULL draws each back-off between 0 and its full value', { IntervalSeconds: 4, MaxAttempts: 2, JitterStrategy: 'FULL' }, [0, 2, 6]],
    ['JitterStrategy NONE keeps the exact back-off', { IntervalSeconds: 4, MaxAttempts: 2, JitterStrategy: 'NONE' }, [0, 4, 12]],
    ['MaxAttempts 0 never retries', { MaxAttempts: 0 }, [0]],
  ])('%s', async (_behaviour, retrier, attemptSeconds) => {
    const env = testEngine({ tasks: failingWith('E', 'E', 'E', 'E', 'E'), random: () => 0.5 });

    const { outcome, history } = await env.run(retrying({ Retry: [{ ErrorEquals: ['E'], ...retrier }] }), {});

    expect(outcome.status).toBe('FAILED');
    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual(attemptSeconds);
  });

  it('uses the first retrier whose ErrorEquals names the error', async () => {
    const env = testEngine({ tasks: failingWith('B', 'B') });
    const Retry = [
      { ErrorEquals: ['A'], IntervalSeconds: 100 },
      { ErrorEquals: ['B', 'C'], IntervalSeconds: 10 },
      { ErrorEquals: ['States.ALL'], IntervalSeconds: 1000 },
    ];

    const { outcome, history } = await env.run(retrying({ Retry }), {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { attempt: 3 } });
    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual([0, 10, 30]);
  });

  it("counts attempts per retrier, as in the developer guide's ErrorA, ErrorB, ErrorC, ErrorB example", async () => {
    const env = testEngine({ tasks: failingWith('ErrorA', 'ErrorB', 'ErrorC', 'ErrorB') });
    const definition = retrying(
      {
        Retry: [
          { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
          { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
        Next: 'Y',
      },
      { Y: { Type: 'Pass', End: true }, Z: { Type: 'Pass', End: true } },
    );

    const { outcome, history } = await env.run(definition, {});

    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual([0, 1, 3, 8]);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'ErrorB', Cause: 'attempt 4 failed' } });
    expect(eventsOf(history, 'PassStateEntered').map((e) => detailsOf(e).name)).toEqual(['Z']);
  });

  it.each([
    ['States.TaskFailed', 'Custom.Error'],
    ['States.ALL', 'Anything.AtAll'],
  ])('retries with a %s retrier a task failing with %s', async (wildcard, error) => {
    const env = testEngine({ tasks: failingWith(error) });

    const { outcome } = await env.run(retrying({ Retry: [{ ErrorEquals: [wildcard] }] }), {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { attempt: 2 } });
  });

  it('stops retrying once the first matching retrier is used up, even when a later retrier matches too', async () => {
    const env = testEngine({ tasks: failingWith('E', 'E', 'E') });
    const Retry = [
      { ErrorEquals: ['E'], MaxAttempts: 1 },
      { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
    ];

    const { outcome, history } = await env.run(retrying({ Retry }), {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'E', cause: 'attempt 2 failed' });
    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual([0, 1]);
  });

  it('shows the retry count to the task as $$.State.RetryCount', async () => {
    const tasks = failingWith('E', 'E');
    const env = testEngine({ tasks });

    await env.run(retrying({ Parameters: { 'retry.$': '$$.State.RetryCount' }, Retry: [{ ErrorEquals: ['E'] }] }), {});

    expect(tasks.received.map((r) => r.parameters)).toEqual([{ retry: 0 }, { retry: 1 }, { retry: 2 }]);
  });

  it('does not retry States.Runtime, even for States.ALL', async () => {
    const tasks = failingWith();
    const env = testEngine({ tasks });

    const { outcome } = await env.run(retrying({ Parameters: { 'x.$': '$.absent' }, Retry: [{ ErrorEquals: ['States.ALL'] }] }), {});

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(tasks.received).toEqual([]);
  });
});

describe('Retry on Map and Parallel states', () => {
  it('runs every Map iteration again, from the first item, when a Retry matches an iteration failure', async () => {
    const tasks = failingWith('E');
    const env = testEngine({ tasks });
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          MaxConcurrency: 1,
          ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: WORK, End: true } } },
          Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 5 }],
          End: true,
        },
      },
    };

    const { outcome, history } = await env.run(definition, ['a', 'b']);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ attempt: 2 }, { attempt: 3 }] });
    expect(secondsAfterStart(history, 'MapStateStarted')).toEqual([0, 5]);
    expect(eventsOf(history, 'MapStateEntered')).toHaveLength(1);
  });
});

describe('Catch', () => {
  const after = { Recover: { Type: 'Pass', End: true }, Done: { Type: 'Pass', End: true } };

  it('replaces the input with the error output { Error, Cause } by default and moves to its Next', async () => {
    const env = testEngine({ tasks: failingWith('E') });

    const { outcome, history } = await env.run(retrying({ Catch: [{ ErrorEquals: ['E'], Next: 'Recover' }], Next: 'Done' }, after), { order: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'E', Cause: 'attempt 1 failed' } });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(history[6]).name).toBe('Recover');
  });

  it.each<[string, string | null, JsonValue]>([
    ['ResultPath adds the error output to the input', '$.error', { order: 1, error: { Error: 'E', Cause: 'attempt 1 failed' } }],
    ['ResultPath null keeps the input unchanged', null, { order: 1 }],
  ])('%s', async (_behaviour, resultPath, expected) => {
    const env = testEngine({ tasks: failingWith('E') });

    const { outcome } = await env.run(retrying({ Catch: [{ ErrorEquals: ['E'], ResultPath: resultPath, Next: 'Recover' }], Next: 'Done' }, after), { order: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it('uses the first catcher whose ErrorEquals names the error', async () => {
    const env = testEngine({ tasks: failingWith('B') });
    const Catch = [
      { ErrorEquals: ['A'], Next: 'Done' },
      { ErrorEquals: ['B'], Next: 'Recover' },
      { ErrorEquals: ['States.ALL'], Next: 'Done' },
    ];

    const { history } = await env.run(retrying({ Catch, Next: 'Done' }, after), {});

    expect(eventsOf(history, 'PassStateEntered').map((e) => detailsOf(e).name)).toEqual(['Recover']);
  });

  it('catches only after the retriers for the error are used up', async () => {
    const env = testEngine({ tasks: failingWith('E', 'E', 'E') });

    const { outcome, history } = await env.run(
      retrying({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['E'], Next: 'Recover' }], Next: 'Done' }, after),
      {},
    );

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'E', Cause: 'attempt 3 failed' } });
    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual([0, 1, 3]);
  });

  it('lets an error that no catcher names fail the execution', async () => {
    const env = testEngine({ tasks: failingWith('Unexpected') });

    const { outcome } = await env.run(retrying({ Catch: [{ ErrorEquals: ['Expected'], Next: 'Recover' }], Next: 'Done' }, after), {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'Unexpected', cause: 'attempt 1 failed' });
  });

  it('does not catch States.Runtime with States.ALL', async () => {
    const env = testEngine({ tasks: failingWith() });

    const { outcome } = await env.run(
      retrying({ Parameters: { 'x.$': '$.absent' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }], Next: 'Done' }, after),
      {},
    );

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('catches States.QueryEvaluationError with States.ALL, after the EvaluationFailed event', async () => {
    const tasks = failingWith();
    const env = testEngine({ tasks });
    const definition = {
      QueryLanguage: 'JSONata',
      ...retrying({ Arguments: '{% $notAssigned %}', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }], Next: 'Done' }, after),
    };

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'States.QueryEvaluationError' } });
    expect(eventTypes(history).slice(1, 4)).toEqual(['TaskStateEntered', 'EvaluationFailed', 'TaskStateExited']);
    expect(tasks.received).toEqual([]);
  });

  it("gives a JSONata catcher without Output the error output, without the state's own Output or Assign", async () => {
    const env = testEngine({ tasks: failingWith('Oops') });
    const definition = {
      QueryLanguage: 'JSONata',
      ...retrying(
        { Output: '{% $states.result.attempt %}', Assign: { attempt: '{% $states.result.attempt %}' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] },
        { Caught: { Type: 'Pass', End: true } },
      ),
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'Oops', Cause: 'attempt 1 failed' } });
  });

  it("follows the catcher's Next even when the failing state itself has End: true", async () => {
    // Prepare
    const env = testEngine({ tasks: failingWith('Oops') });
    const definition = retrying({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] }, { Caught: { Type: 'Pass', Result: 'caught', End: true } });

    // Act
    const { outcome, history } = await env.run(definition, {});

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'caught' });
    expect(eventTypes(history).slice(-3)).toEqual(['PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  describe('in JSONata', () => {
    it("outputs the catcher's Output, which sees $states.errorOutput and $states.input", async () => {
      const env = testEngine({ tasks: failingWith('E', 'E') });
      const definition = {
        QueryLanguage: 'JSONata',
        ...retrying(
          {
            Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], Output: { stateInput: '{% $states.input %}', stateError: '{% $states.errorOutput %}' }, Next: 'Recover' }],
            Next: 'Done',
          },
          after,
        ),
      };

      const { outcome } = await env.run(definition, { inputData: 'dummy' });

      expect(outcome).toEqual({
        status: 'SUCCEEDED',
        output: { stateInput: { inputData: 'dummy' }, stateError: { Error: 'E', Cause: 'attempt 2 failed' } },
      });
    });
  });
});

describe('Retry and Catch definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['States.ALL in a retrier that is not the last', retrying({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['E'] }] }), "The retrier with 'States.ALL' in 'ErrorEquals' must be the last one in the field 'Retry'"],
    ['States.ALL together with other errors', retrying({ Retry: [{ ErrorEquals: ['States.ALL', 'E'] }] }), "'States.ALL' must appear alone in the field 'ErrorEquals'"],
    ['an empty ErrorEquals', retrying({ Retry: [{ ErrorEquals: [] }] }), "The field 'ErrorEquals' must contain at least one element"],
    ['BackoffRate below 1', retrying({ Retry: [{ ErrorEquals: ['E'], BackoffRate: 0.5 }] }), "The field 'BackoffRate' must be a number greater than or equal to 1"],
    ['an unknown JitterStrategy', retrying({ Retry: [{ ErrorEquals: ['E'], JitterStrategy: 'HALF' }] }), "The field 'JitterStrategy' should have one of these values: [FULL, NONE]"],
    ['a catcher whose Next names no state', retrying({ Catch: [{ ErrorEquals: ['E'], Next: 'Nowhere' }] }), "Missing 'Next' target: Nowhere at /States/T/Catch[0]/Next"],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});

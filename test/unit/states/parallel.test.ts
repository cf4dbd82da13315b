/**
 * Parallel: runs every branch on the same input at once; its result is the array of the branch
 * outputs in branch order. The first branch to fail fails the state and stops the others.
 */
import { describe, it, expect } from '@jest/globals';
import { apiError, eventTypes, eventsOf, fakeTasks, lambdaArn, secondsAfterStart, taskError, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

function branch(states: Record<string, object>, startAt = Object.keys(states)[0]): object {
  return { StartAt: startAt, States: states };
}

function parallel(branches: object[], fields: object = {}, after: Record<string, object> = {}): object {
  return { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: branches, ...fields, ...(Object.keys(after).length ? {} : { End: true }) }, ...after } };
}

describe('Parallel state', () => {
  it('outputs the branch outputs in branch order, whichever finishes first', async () => {
    // Prepare
    const env = testEngine();
    const definition = parallel([
      branch({ Slow: { Type: 'Wait', Seconds: 20, Next: 'A' }, A: { Type: 'Pass', Result: 'a', End: true } }),
      branch({ Fast: { Type: 'Wait', Seconds: 10, Next: 'B' }, B: { Type: 'Pass', Result: 'b', End: true } }),
    ]);

    // Act
    const { outcome, history } = await env.run(definition, {});

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: ['a', 'b'] });
    expect(secondsAfterStart(history, 'WaitStateExited')).toEqual([10, 20]);
    expect(secondsAfterStart(history, 'ExecutionSucceeded')).toEqual([20]);
  });

  // Recorded on AWS (scenarios/test_parallel_state_nested): branches that pass the client's text
  // "[[1, 2, 3], [4, 5, 6]]" through unchanged give the Parallel output text "[[[1, 2, 3], [4, 5, 6]]]".
  it('records its output with the branch outputs in the texts the branches kept', async () => {
    const env = testEngine();
    const arn = env.create(parallel([branch({ A: { Type: 'Pass', End: true } })]));
    const executionArn = env.engine.startExecution({ stateMachineArn: arn, name: 'spaced', input: '[[1, 2, 3], [4, 5, 6]]' }).executionArn;

    const { outcome, history } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [[[1, 2, 3], [4, 5, 6]]] });
    const [exited] = eventsOf(history, 'ParallelStateExited');
    expect((exited.stateExitedEventDetails as { output: string }).output).toBe('[[[1, 2, 3], [4, 5, 6]]]');
  });

  it('gives every branch the same input', async () => {
    const env = testEngine();
    const definition = parallel([
      branch({ A: { Type: 'Pass', OutputPath: '$.x', End: true } }),
      branch({ B: { Type: 'Pass', End: true } }),
    ]);

    const { outcome } = await env.run(definition, { x: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [1, { x: 1 }] });
  });

  it('records Entered, Started, the branch events, Succeeded and Exited', async () => {
    const env = testEngine();

    const { history } = await env.run(parallel([branch({ A: { Type: 'Pass', End: true } })]), {});

    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'PassStateEntered', 'PassStateExited',
      'ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded',
    ]);
    expect(history.slice(1, 5).map((e) => [e.id, e.previousEventId])).toEqual([[2, 0], [3, 2], [4, 3], [5, 4]]);
  });

  it('applies Parameters to the input of the branches and ResultSelector and ResultPath to the result', async () => {
    const env = testEngine();
    const definition = parallel(
      [branch({ A: { Type: 'Pass', End: true } }), branch({ B: { Type: 'Pass', Result: 2, End: true } })],
      { Parameters: { 'v.$': '$.value' }, ResultSelector: { 'first.$': '$[0].v', 'second.$': '$[1]' }, ResultPath: '$.results' },
    );

    const { outcome } = await env.run(definition, { value: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { value: 1, results: { first: 1, second: 2 } } });
  });

  it('runs a nested Parallel state as one branch', async () => {
    const env = testEngine();
    const inner = { Type: 'Parallel', Branches: [branch({ X: { Type: 'Pass', Result: 'x', End: true } }), branch({ Y: { Type: 'Pass', Result: 'y', End: true } })], End: true };
    const definition = parallel([branch({ Inner: inner }), branch({ Z: { Type: 'Pass', Result: 'z', End: true } })]);

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [['x', 'y'], 'z'] });
  });

  it('fails with the first failing branch error and stops the other branches at once', async () => {
    const env = testEngine();
    const definition = parallel([
      branch({ Long: { Type: 'Wait', Seconds: 3600, Next: 'Never' }, Never: { Type: 'Pass', End: true } }),
      branch({ Short: { Type: 'Wait', Seconds: 5, Next: 'Boom' }, Boom: { Type: 'Fail', Error: 'BranchBroke', Cause: 'branch 1' } }),
    ]);

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'BranchBroke', cause: 'branch 1' });
    expect(secondsAfterStart(history, 'ExecutionFailed')).toEqual([5]);
    expect(eventsOf(history, 'PassStateEntered')).toEqual([]);
    expect(eventTypes(history).slice(-2)).toEqual(['ParallelStateFailed', 'ExecutionFailed']);
  });

  // Recorded on AWS (states_variables/test_error_output, PARALLEL_CATCH_ERROR_*): a Task that fails
  // without a catcher inside a branch records TaskFailed, then TaskStateAborted, then ParallelStateFailed.
  it('records TaskStateAborted for a branch Task whose failure ends the branch, before ParallelStateFailed', async () => {
    const tasks = fakeTasks({
      [lambdaArn('broken')]: () => {
        throw taskError('Broken', 'no');
      },
    });
    const env = testEngine({ tasks });
    const definition = parallel([branch({ T: { Type: 'Task', Resource: lambdaArn('broken'), End: true } })]);

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(eventTypes(history).slice(-4)).toEqual(['LambdaFunctionFailed', 'TaskStateAborted', 'ParallelStateFailed', 'ExecutionFailed']);
    const failed = eventsOf(history, 'LambdaFunctionFailed')[0];
    expect(eventsOf(history, 'TaskStateAborted')[0].previousEventId).toBe(failed.id);
  });

  it('records no TaskStateAborted for a branch Task whose failure a catcher in the branch handles', async () => {
    const tasks = fakeTasks({
      [lambdaArn('broken')]: () => {
        throw taskError('Broken', 'no');
      },
    });
    const env = testEngine({ tasks });
    const definition = parallel([
      branch({ T: { Type: 'Task', Resource: lambdaArn('broken'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ok' }], End: true }, Ok: { Type: 'Pass', End: true } }),
    ]);

    const { outcome, history } = await env.run(definition, {});

    expect(outcome.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'TaskStateAborted')).toEqual([]);
  });

  it('runs every branch again when a Retry on the state matches a branch failure', async () => {
    const tasks = fakeTasks({
      [lambdaArn('flaky')]: () => {
        throw taskError('Flaky', 'try again');
      },
    });
    const env = testEngine({ tasks });
    const definition = parallel(
      [branch({ A: { Type: 'Pass', Result: 'a', End: true } }), branch({ T: { Type: 'Task', Resource: lambdaArn('flaky'), End: true } })],
      { Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2, IntervalSeconds: 1 }] },
    );

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Flaky' });
    expect(secondsAfterStart(history, 'ParallelStateStarted')).toEqual([0, 1, 3]);
    expect(eventsOf(history, 'PassStateEntered')).toHaveLength(3);
    expect(tasks.received).toHaveLength(3);
  });

  it('routes a branch failure to a Catch with the error output at ResultPath', async () => {
    const env = testEngine();
    const definition = parallel(
      [branch({ Boom: { Type: 'Fail', Error: 'E', Cause: 'c' } })],
      { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }], Next: 'Done' },
      { Recover: { Type: 'Pass', End: true }, Done: { Type: 'Pass', End: true } },
    );

    const { outcome } = await env.run(definition, { id: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { id: 1, error: { Error: 'E', Cause: 'c' } } });
  });

  describe('in JSONata', () => {
    it('gives the branches its Arguments and outputs its Output computed from $states.result', async () => {
      const env = testEngine();
      const definition = {
        QueryLanguage: 'JSONata',
        ...parallel(
          [branch({ A: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } }), branch({ B: { Type: 'Pass', Output: '{% $states.input.n * 10 %}', End: true } })],
          { Arguments: { n: '{% $states.input.value %}' }, Output: { sum: '{% $sum($states.result) %}' } },
        ),
      };

      const { outcome } = await env.run(definition, { value: 2 });

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { sum: 23 } });
    });
  });
});

describe('Parallel definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['a Parallel without Branches', { StartAt: 'P', States: { P: { Type: 'Parallel', End: true } } }, 'These fields are required: [Branches] at /States/P'],
    [
      'a branch whose Next leaves the branch',
      { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch({ X: { Type: 'Pass', Next: 'After' } })], Next: 'After' }, After: { Type: 'Succeed' } } },
      "Missing 'Next' target: After at /States/P/Branches[0]/States/X/Next",
    ],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});

/**
 * Timeouts: a Task's TimeoutSeconds (and TimeoutSecondsPath), its HeartbeatSeconds, and the
 * state machine's own TimeoutSeconds. A task that never answers times out with States.Timeout at
 * the right virtual instant; the timeout can be retried and caught like any error, except that
 * States.TaskFailed does not match it.
 */
import { describe, it, expect } from '@jest/globals';
import {
  detailsOf, eventTypes, eventsOf, fakeTasks, lambdaArn, never, secondsAfterStart, testEngines,
} from '../../support/engine-env.ts';

const testEngine = testEngines();

const HANG = lambdaArn('hang');
const SERVICE_HANG = 'arn:aws:states:::ecs:runTask';
const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** Tasks that never answer, and one that answers after `seconds` of virtual time. */
const slowTasks = () =>
  fakeTasks({
    [HANG]: () => never(),
    [SERVICE_HANG]: () => never(),
    [CALLBACK]: () => ({ MessageId: 'm-1' }),
    [lambdaArn('slow')]: async (p, ctx) => {
      await ctx.sleep((p as { seconds: number }).seconds);
      return 'finished';
    },
  });

function task(resource: string, fields: object, after: Record<string, object> = {}): object {
  return { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, ...fields, ...('Next' in fields ? {} : { End: true }) }, ...after } };
}

describe('Task TimeoutSeconds', () => {
  it('fails a Lambda task that never answers with States.Timeout after TimeoutSeconds, with LambdaFunctionTimedOut', async () => {
    // Prepare
    const env = testEngine({ tasks: slowTasks() });

    // Act
    const { outcome, history } = await env.run(task(HANG, { TimeoutSeconds: 30 }), {});

    // Assess
    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Timeout' });
    expect(eventTypes(history).slice(-2)).toEqual(['LambdaFunctionTimedOut', 'ExecutionFailed']);
    expect(secondsAfterStart(history, 'LambdaFunctionTimedOut')).toEqual([30]);
    expect(detailsOf(eventsOf(history, 'LambdaFunctionScheduled')[0])).toMatchObject({ timeoutInSeconds: 30 });
  });

  it('fails a service task that never answers with TaskTimedOut carrying States.Timeout', async () => {
    const env = testEngine({ tasks: slowTasks() });

    const { outcome, history } = await env.run(task(SERVICE_HANG, { TimeoutSeconds: 5 }), {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Timeout' });
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskTimedOut', 'ExecutionFailed']);
    expect(detailsOf(history[2])).toMatchObject({ timeoutInSeconds: 5 });
    expect(detailsOf(history[4])).toEqual({ resourceType: 'ecs', resource: 'runTask', error: 'States.Timeout' });
    expect(secondsAfterStart(history, 'TaskTimedOut')).toEqual([5]);
  });

  it.each([
    ['finishes within TimeoutSeconds', 10, 30, { status: 'SUCCEEDED', output: 'finished' }, 10],
    ['runs longer than TimeoutSeconds', 60, 5, { status: 'FAILED', error: 'States.Timeout' }, 5],
  ])('ends a task that %s when the first of the two comes', async (_case, taskSeconds, timeout, expected, endSeconds) => {
    const env = testEngine({ tasks: slowTasks() });

    const { outcome, history } = await env.run(task(lambdaArn('slow'), { TimeoutSeconds: timeout }), { seconds: taskSeconds });

    expect(outcome).toEqual(expected);
    expect(secondsAfterStart(history, outcome.status === 'SUCCEEDED' ? 'ExecutionSucceeded' : 'ExecutionFailed')).toEqual([endSeconds]);
  });

  it('reads the timeout from the input with TimeoutSecondsPath', async () => {
    const env = testEngine({ tasks: slowTasks() });

    const { history } = await env.run(task(HANG, { TimeoutSecondsPath: '$.limit' }), { limit: 12 });

    expect(secondsAfterStart(history, 'LambdaFunctionTimedOut')).toEqual([12]);
  });

  it('evaluates a JSONata TimeoutSeconds expression', async () => {
    const env = testEngine({ tasks: slowTasks() });

    const { history } = await env.run({ QueryLanguage: 'JSONata', ...task(HANG, { TimeoutSeconds: '{% $states.input.minutes * 60 %}' }) }, { minutes: 2 });

    expect(secondsAfterStart(history, 'LambdaFunctionTimedOut')).toEqual([120]);
  });

  it('retries a timed-out task: each attempt gets its own full timeout after the back-off', async () => {
    const tasks = slowTasks();
    const env = testEngine({ tasks });

    const { outcome, history } = await env.run(
      task(HANG, { TimeoutSeconds: 30, Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 2, IntervalSeconds: 1 }] }),
      {},
    );

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Timeout' });
    expect(secondsAfterStart(history, 'LambdaFunctionScheduled')).toEqual([0, 31, 63]);
    expect(secondsAfterStart(history, 'LambdaFunctionTimedOut')).toEqual([30, 61, 93]);
    expect(tasks.received).toHaveLength(3);
  });

  it('routes a timeout to a Catch on States.Timeout', async () => {
    const env = testEngine({ tasks: slowTasks() });
    const definition = task(
      HANG,
      { TimeoutSeconds: 30, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut' }], Next: 'Done' },
      { TimedOut: { Type: 'Pass', End: true }, Done: { Type: 'Pass', End: true } },
    );

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { Error: 'States.Timeout' } });
  });

  it('does not match a timeout with States.TaskFailed', async () => {
    const env = testEngine({ tasks: slowTasks() });
    const definition = task(
      HANG,
      { TimeoutSeconds: 30, Retry: [{ ErrorEquals: ['States.TaskFailed'] }], Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Done' }], Next: 'Done' },
      { Done: { Type: 'Pass', End: true } },
    );

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Timeout' });
    expect(eventsOf(history, 'LambdaFunctionScheduled')).toHaveLength(1);
  });
});

describe('Task HeartbeatSeconds', () => {
  it('fails a callback task that sends no heartbeat with States.HeartbeatTimeout after HeartbeatSeconds', async () => {
    const env = testEngine({ tasks: slowTasks() });

    const { outcome, history } = await env.run(task(CALLBACK, { HeartbeatSeconds: 10, TimeoutSeconds: 600 }), {});

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(detailsOf(eventsOf(history, 'TaskScheduled')[0])).toMatchObject({ heartbeatInSeconds: 10, timeoutInSeconds: 600 });
    expect(detailsOf(eventsOf(history, 'TaskTimedOut')[0])).toMatchObject({ error: 'States.HeartbeatTimeout' });
    expect(secondsAfterStart(history, 'TaskTimedOut')).toEqual([10]);
  });

  it('keeps a task alive while heartbeats come, until TimeoutSeconds ends it anyway', async () => {
    const tasks = slowTasks();
    const env = testEngine({ tasks });
    const executionArn = env.start(task(CALLBACK, { HeartbeatSeconds: 10, TimeoutSeconds: 35 }), {});
    await env.idle();

    for (let i = 0; i < 4; i++) {
      await env.sleep(8);
      env.engine.sendTaskHeartbeat(tasks.tokens[0]);
    }
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.Timeout' });
    expect(secondsAfterStart(history, 'TaskTimedOut')).toEqual([35]);
  });

  it('times out on the heartbeat when heartbeats stop', async () => {
    const tasks = slowTasks();
    const env = testEngine({ tasks });
    const executionArn = env.start(task(CALLBACK, { HeartbeatSeconds: 10 }), {});
    await env.idle();

    await env.sleep(7);
    env.engine.sendTaskHeartbeat(tasks.tokens[0]);
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(secondsAfterStart(history, 'TaskTimedOut')).toEqual([17]);
  });

  it('routes a heartbeat timeout to a Catch on States.HeartbeatTimeout', async () => {
    const env = testEngine({ tasks: slowTasks() });
    const definition = task(
      CALLBACK,
      { HeartbeatSeconds: 10, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Done' }], Next: 'Done' },
      { Done: { Type: 'Pass', End: true } },
    );

    const { outcome } = await env.run(definition, { job: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { job: 1, error: { Error: 'States.HeartbeatTimeout' } } });
  });
});

describe('State machine TimeoutSeconds', () => {
  it('ends a running execution as TIMED_OUT with ExecutionTimedOut after TimeoutSeconds', async () => {
    const env = testEngine();
    const definition = { TimeoutSeconds: 10, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } };

    const { outcome, history } = await env.run(definition, {});

    expect(outcome.status).toBe('TIMED_OUT');
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
    expect(secondsAfterStart(history, 'ExecutionTimedOut')).toEqual([10]);
  });

  it('reports a timed-out execution with no error and no cause, as AWS records it', async () => {
    const env = testEngine();
    const definition = { TimeoutSeconds: 5, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } };

    const { outcome, history } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'TIMED_OUT' });
    expect(detailsOf(history.at(-1)!)).toEqual({});
  });

  it('does not interfere with an execution that ends first', async () => {
    const env = testEngine();
    const definition = { TimeoutSeconds: 100, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 50, End: true } } };

    const { outcome, history } = await env.run(definition, { a: 1 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { a: 1 } });
    expect(secondsAfterStart(history, 'ExecutionSucceeded')).toEqual([50]);
  });

  it('times out a task that never answers, even without a task timeout', async () => {
    const env = testEngine({ tasks: slowTasks() });

    const { outcome, history } = await env.run({ TimeoutSeconds: 60, ...task(HANG, {}) }, {});

    expect(outcome.status).toBe('TIMED_OUT');
    expect(secondsAfterStart(history, 'ExecutionTimedOut')).toEqual([60]);
  });
});

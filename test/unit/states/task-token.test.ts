/**
 * Task tokens (`.waitForTaskToken`): the task hands a token to the integration and waits,
 * however long, until SendTaskSuccess or SendTaskFailure comes back with it. SendTaskHeartbeat
 * keeps it alive; StopExecution ends the wait as ABORTED.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import {
  type TestEngine, apiErrorType, detailsOf, eventTypes, eventsOf, fakeTasks, lambdaArn, secondsAfterStart, taskError, testEngines,
} from '../../support/engine-env.ts';

const testEngine = testEngines();

const SEND = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

function callback(fields: object = {}, after: Record<string, object> = {}): object {
  return { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: SEND, ...fields, ...('Next' in fields ? {} : { End: true }) }, ...after } };
}

/** An environment whose queue accepts every message, and an execution of `definition` waiting on its token. */
async function waitingExecution(definition: object, input: JsonValue = {}): Promise<{ env: TestEngine; executionArn: string; token: () => string }> {
  const tasks = fakeTasks({ [SEND]: () => ({ MessageId: 'm-1' }) });
  const env = testEngine({ tasks });
  const executionArn = env.start(definition, input);
  await env.idle();
  return { env, executionArn, token: () => tasks.tokens.at(-1)! };
}

describe('.waitForTaskToken', () => {
  it('waits for SendTaskSuccess with the token the integration received, and outputs what it sent', async () => {
    // Prepare
    const { env, executionArn, token } = await waitingExecution(callback(), { orderId: 'o-1' });

    // Act
    await env.sleep(3600);
    env.engine.sendTaskSuccess(token(), '{"approved":true}');
    const { outcome, history } = await env.finish(executionArn);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { approved: true } });
    expect(secondsAfterStart(history, 'TaskSucceeded')).toEqual([3600]);
  });

  it('records TaskSubmitted with the integration response before TaskSucceeded with the callback output', async () => {
    const { env, executionArn, token } = await waitingExecution(callback());

    env.engine.sendTaskSuccess(token(), '"done"');
    const { history } = await env.finish(executionArn);

    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(history[4])).toEqual({
      resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', output: '{"MessageId":"m-1"}', outputDetails: { truncated: false },
    });
    expect(detailsOf(history[5])).toMatchObject({ output: '"done"' });
  });

  it('does not advance a task while no callback comes: the execution stays RUNNING', async () => {
    const { env, executionArn } = await waitingExecution(callback());

    await env.sleep(86400 * 7);

    expect(env.engine.describeExecution(executionArn).status).toBe('RUNNING');
  });

  it('accepts a callback the integration sends before it has even returned', async () => {
    const holder: { env?: TestEngine } = {};
    const tasks = fakeTasks({
      [SEND]: (_p, ctx) => {
        holder.env!.engine.sendTaskSuccess(ctx.request.taskToken!, '{"early":true}');
        return { MessageId: 'm-1' };
      },
    });
    const env = (holder.env = testEngine({ tasks }));

    const { outcome } = await env.run(callback(), {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { early: true } });
  });

  it('applies ResultSelector and ResultPath to the callback output', async () => {
    const { env, executionArn, token } = await waitingExecution(
      callback({ ResultSelector: { 'ok.$': '$.approved' }, ResultPath: '$.review' }),
      { orderId: 'o-1' },
    );

    env.engine.sendTaskSuccess(token(), '{"approved":true,"by":"ann"}');
    const { outcome } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { orderId: 'o-1', review: { ok: true } } });
  });

  it('fails the task with the error and cause of SendTaskFailure', async () => {
    const { env, executionArn, token } = await waitingExecution(callback());

    env.engine.sendTaskFailure(token(), 'Rejected', 'the reviewer said no');
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'FAILED', error: 'Rejected', cause: 'the reviewer said no' });
    expect(detailsOf(eventsOf(history, 'TaskFailed')[0])).toEqual({
      resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'Rejected', cause: 'the reviewer said no',
    });
  });

  it('passes the SendTaskFailure error and cause to a Catch', async () => {
    const definition = callback(
      { Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Handle' }], Next: 'Done' },
      { Handle: { Type: 'Pass', End: true }, Done: { Type: 'Pass', End: true } },
    );
    const { env, executionArn, token } = await waitingExecution(definition, { orderId: 'o-1' });

    env.engine.sendTaskFailure(token(), 'Rejected', 'the reviewer said no');
    const { outcome } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { orderId: 'o-1', failure: { Error: 'Rejected', Cause: 'the reviewer said no' } } });
  });

  it('retries a task failed through SendTaskFailure with a new token', async () => {
    const tasks = fakeTasks({ [SEND]: () => ({ MessageId: 'm' }) });
    const env = testEngine({ tasks });
    const executionArn = env.start(callback({ Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 30 }] }), {});
    await env.idle();

    env.engine.sendTaskFailure(tasks.tokens[0], 'Busy', 'try later');
    await env.sleep(30);
    await env.idle();
    env.engine.sendTaskSuccess(tasks.tokens[1], '"second time"');
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'second time' });
    expect(tasks.tokens).toHaveLength(2);
    expect(tasks.tokens[0]).not.toBe(tasks.tokens[1]);
    expect(secondsAfterStart(history, 'TaskScheduled')).toEqual([0, 30]);
  });

  it('hands every concurrent callback task its own token and joins the answers in branch order', async () => {
    const tasks = fakeTasks({ [SEND]: () => ({ MessageId: 'm' }) });
    const env = testEngine({ tasks });
    const ask = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Task', Resource: SEND, End: true } } });
    const executionArn = env.start({ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [ask('A'), ask('B')], End: true } } }, {});
    await env.idle();

    const tokenOf = (state: string) => tasks.received.find((r) => r.stateName === state)!.taskToken!;
    env.engine.sendTaskSuccess(tokenOf('B'), '"b"');
    env.engine.sendTaskSuccess(tokenOf('A'), '"a"');
    const { outcome } = await env.finish(executionArn);

    expect(new Set(tasks.tokens).size).toBe(2);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: ['a', 'b'] });
  });

  it.each<[string, object]>([
    ['Parameters "$$.Task.Token"', { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: SEND, Parameters: { 'MessageBody.$': '$$.Task.Token' }, End: true } } }],
    [
      'JSONata Arguments "$states.context.Task.Token"',
      { QueryLanguage: 'JSONata', StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: SEND, Arguments: { MessageBody: '{% $states.context.Task.Token %}' }, End: true } } },
    ],
  ])('gives %s the task token, which completes the task', async (_field, definition) => {
    const tasks = fakeTasks({ [SEND]: () => ({ MessageId: 'm-1' }) });
    const env = testEngine({ tasks });
    const executionArn = env.start(definition, {});
    await env.idle();

    const sent = tasks.received[0].parameters as { MessageBody: string };
    env.engine.sendTaskSuccess(sent.MessageBody, '"answered"');
    const { outcome } = await env.finish(executionArn);

    expect(sent.MessageBody).toBe(tasks.received[0].taskToken);
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'answered' });
  });
});

describe('SendTask* requests the engine refuses', () => {
  it.each<[string, (env: TestEngine, token: string) => void, string]>([
    ['SendTaskSuccess with output that is not JSON', (env, token) => env.engine.sendTaskSuccess(token, '{not json'), 'InvalidOutput'],
    ['SendTaskSuccess with a malformed token', (env) => env.engine.sendTaskSuccess('!!', '{}'), 'InvalidToken'],
    ['SendTaskSuccess with a well-formed token nobody issued', (env) => env.engine.sendTaskSuccess('a'.repeat(64), '{}'), 'TaskDoesNotExist'],
    ['SendTaskHeartbeat with a token nobody issued', (env) => env.engine.sendTaskHeartbeat('a'.repeat(64)), 'TaskDoesNotExist'],
  ])('refuses %s', async (_request, act, errorType) => {
    const { env, token } = await waitingExecution(callback());

    expect(apiErrorType(() => act(env, token()))).toBe(errorType);
  });

  it('refuses a second answer for a token that was already answered', async () => {
    const { env, executionArn, token } = await waitingExecution(callback());
    env.engine.sendTaskSuccess(token(), '1');
    await env.finish(executionArn);

    expect(apiErrorType(() => env.engine.sendTaskFailure(token(), 'Late', 'too late'))).toBe('TaskDoesNotExist');
  });

  it('refuses a token whose task timed out', async () => {
    const { env, executionArn, token } = await waitingExecution(callback({ TimeoutSeconds: 60 }));
    await env.finish(executionArn);

    expect(apiErrorType(() => env.engine.sendTaskSuccess(token(), '1'))).toBe('TaskDoesNotExist');
  });
});

describe('StopExecution', () => {
  it('ends a waiting execution as ABORTED, aborting the task, with the given error and cause', async () => {
    const { env, executionArn } = await waitingExecution(callback());

    env.engine.stopExecution(executionArn, 'Operator.Stop', 'no longer needed');
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome).toEqual({ status: 'ABORTED', error: 'Operator.Stop', cause: 'no longer needed' });
    expect(eventTypes(history).slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
    expect(detailsOf(history.at(-1)!)).toEqual({ error: 'Operator.Stop', cause: 'no longer needed' });
    expect(env.engine.describeExecution(executionArn).status).toBe('ABORTED');
  });

  it('ends a Wait early as ABORTED, at the instant of the stop', async () => {
    const env = testEngine();
    const executionArn = env.start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 86400, End: true } } }, {});

    await env.sleep(60);
    env.engine.stopExecution(executionArn);
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome.status).toBe('ABORTED');
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(secondsAfterStart(history, 'ExecutionAborted')).toEqual([60]);
  });

  it('ends an execution waiting out a retry back-off, without another attempt', async () => {
    const tasks = fakeTasks({ [lambdaArn('flaky')]: () => { throw taskError('Flaky', 'down'); } });
    const env = testEngine({ tasks });
    const executionArn = env.start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: lambdaArn('flaky'), Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 100 }], End: true } } }, {});

    await env.sleep(50);
    env.engine.stopExecution(executionArn);
    const { outcome, history } = await env.finish(executionArn);

    expect(outcome.status).toBe('ABORTED');
    expect(tasks.received).toHaveLength(1);
    expect(secondsAfterStart(history, 'ExecutionAborted')).toEqual([50]);
  });

  it('invalidates the token of the aborted task', async () => {
    const { env, executionArn, token } = await waitingExecution(callback());
    env.engine.stopExecution(executionArn);
    await env.finish(executionArn);

    expect(apiErrorType(() => env.engine.sendTaskSuccess(token(), '{}'))).toBe('TaskDoesNotExist');
  });

  it('refuses to stop an execution that has ended', async () => {
    const env = testEngine();
    const { executionArn } = await env.run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {});

    expect(apiErrorType(() => env.engine.stopExecution(executionArn))).toBe('ExecutionNotRunning');
  });
});

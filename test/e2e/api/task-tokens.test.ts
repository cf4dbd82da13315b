/**
 * Callbacks through the API: a `.waitForTaskToken` task hands its token to an in-memory queue
 * (a fake integration that keeps what it receives), and the test answers through the real
 * SFNClient with SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.
 */
import { describe, it, expect } from '@jest/globals';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand,
  SendTaskSuccessCommand, StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { fakeTasks, type FakeTasks } from '../../support/engine-env.ts';
import { ROLE_ARN, apiEnvs, definition, until, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const ASK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** An environment whose queue keeps every message, and an execution of a callback task waiting on its token. */
async function waiting(task: object = {}, after: Record<string, object> = {}): Promise<{ env: ApiEnv; tasks: FakeTasks; executionArn: string }> {
  const tasks = fakeTasks({ [ASK]: () => ({ MessageId: 'm-1' }) });
  const env = await apiEnv({ tasks });
  const executionArn = await env.clockHeld(async () => {
    const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({
      name: 'approval', roleArn: ROLE_ARN,
      definition: definition({ Ask: { Type: 'Task', Resource: ASK, Parameters: { 'token.$': '$$.Task.Token' }, ...task, ...('Next' in task ? {} : { End: true }) }, ...after }, 'Ask'),
    }));
    const started = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"order":"o-1"}' }));
    await until(() => tasks.tokens.length === 1, 'the task token');
    return started.executionArn!;
  });
  return { env, tasks, executionArn };
}

async function finished(env: ApiEnv, executionArn: string) {
  for (;;) {
    const d = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
  }
}

describe('SendTaskSuccess', () => {
  it('completes the waiting task with the output sent, hours later on the virtual clock', async () => {
    // Prepare
    const { env, tasks, executionArn } = await waiting();
    await env.sleep(3 * 3600);

    // Act
    await env.sfn.send(new SendTaskSuccessCommand({ taskToken: tasks.tokens[0], output: '{"approved":true}' }));
    const described = await finished(env, executionArn);

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    expect(described.stopDate!.getTime() - described.startDate!.getTime()).toBe(3 * 3600_000);
  });

  it('hands the integration the token the parameters carry', async () => {
    const { tasks } = await waiting();

    expect(tasks.received[0].parameters).toEqual({ token: tasks.tokens[0] });
  });
});

describe('SendTaskFailure', () => {
  it('fails the task with the error and cause sent', async () => {
    const { env, tasks, executionArn } = await waiting();

    await env.sfn.send(new SendTaskFailureCommand({ taskToken: tasks.tokens[0], error: 'Approval.Denied', cause: 'over budget' }));
    const described = await finished(env, executionArn);

    expect(described).toMatchObject({ status: 'FAILED', error: 'Approval.Denied', cause: 'over budget' });
  });

  it('lets a Catch of the task handle the error sent', async () => {
    const { env, tasks, executionArn } = await waiting(
      { Catch: [{ ErrorEquals: ['Approval.Denied'], ResultPath: '$.denied', Next: 'Denied' }], Next: 'Approved' },
      { Approved: { Type: 'Succeed' }, Denied: { Type: 'Pass', End: true } },
    );

    await env.sfn.send(new SendTaskFailureCommand({ taskToken: tasks.tokens[0], error: 'Approval.Denied', cause: 'over budget' }));
    const described = await finished(env, executionArn);

    expect(JSON.parse(described.output!)).toEqual({ order: 'o-1', denied: { Error: 'Approval.Denied', Cause: 'over budget' } });
  });
});

describe('SendTaskHeartbeat', () => {
  it('keeps a task with HeartbeatSeconds alive past its first deadline', async () => {
    const { env, tasks, executionArn } = await waiting({ HeartbeatSeconds: 60 });

    await env.sleep(45);
    await env.clockHeld(() => env.sfn.send(new SendTaskHeartbeatCommand({ taskToken: tasks.tokens[0] })));
    await env.sleep(45);
    await env.clockHeld(() => env.sfn.send(new SendTaskSuccessCommand({ taskToken: tasks.tokens[0], output: '"in time"' })));
    const described = await finished(env, executionArn);

    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '"in time"' });
    expect(described.stopDate!.getTime() - described.startDate!.getTime()).toBe(90_000);
  });

  it('times the task out with States.HeartbeatTimeout when no heartbeat comes', async () => {
    const { env, executionArn } = await waiting({ HeartbeatSeconds: 60 });

    const described = await finished(env, executionArn);
    const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(described.status).toBe('FAILED');
    expect(described.stopDate!.getTime() - described.startDate!.getTime()).toBe(60_000);
    expect(events!.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout' });
  });
});

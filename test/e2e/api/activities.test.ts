/**
 * Activities through the real SFNClient: the resource actions (Create/Describe/List/DeleteActivity,
 * tags), and a worker that polls with GetActivityTask and answers with SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat, the execution's history recording it as AWS does; the
 * long poll's end (no task, server stopping), and an activity task surviving an engine restart.
 */
import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivityCommand, CreateStateMachineCommand, DeleteActivityCommand, DescribeActivityCommand, DescribeExecutionCommand,
  GetActivityTaskCommand, GetExecutionHistoryCommand, ListActivitiesCommand, ListTagsForResourceCommand, SendTaskFailureCommand,
  SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TagResourceCommand,
} from '@aws-sdk/client-sfn';
import { Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { startApiServer } from '../../../engine/api/server.ts';
import { ROLE_ARN, apiEnvs, definition, rejection, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const UNKNOWN = 'arn:aws:states:us-east-1:123456789012:activity:nope';

async function finished(sfn: SFNClient, executionArn: string) {
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
  }
}

/** An activity, and a machine whose one Task is that activity with `task`'s extra fields. */
async function activityMachine(sfn: SFNClient, task: object = {}) {
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'approve' }));
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: 'approval', roleArn: ROLE_ARN,
    definition: definition({ Ask: { Type: 'Task', Resource: activityArn, Parameters: { 'order.$': '$.order' }, End: true, ...task } }),
  }));
  return { activityArn: activityArn!, stateMachineArn: stateMachineArn! };
}

/** Starts the machine and takes its task as worker `w-1`, with the virtual clock held. */
async function taken(env: ApiEnv, task: object = {}) {
  return env.clockHeld(async () => {
    const { activityArn, stateMachineArn } = await activityMachine(env.sfn, task);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"order":"o-1"}' }));
    const got = await env.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w-1' }));
    return { activityArn, executionArn: executionArn!, got };
  });
}

async function historyOf(sfn: SFNClient, executionArn: string) {
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return events!;
}

describe('CreateActivity', () => {
  it('creates an activity under its ARN; the same name again returns it', async () => {
    const env = await apiEnv();

    const first = await env.sfn.send(new CreateActivityCommand({ name: 'approve' }));
    const again = await env.sfn.send(new CreateActivityCommand({ name: 'approve' }));

    expect(first.activityArn).toBe('arn:aws:states:us-east-1:123456789012:activity:approve');
    expect(again.activityArn).toBe(first.activityArn);
    expect(first.creationDate).toBeInstanceOf(Date);
  });

  it('refuses an invalid name with InvalidName', async () => {
    const env = await apiEnv();

    const err = await rejection(env.sfn.send(new CreateActivityCommand({ name: 'no spaces' })));

    expect(err.name).toBe('InvalidName');
  });
});

describe('DescribeActivity', () => {
  it('describes an activity, and answers ActivityDoesNotExist for an unknown one', async () => {
    const env = await apiEnv();
    const { activityArn } = await env.sfn.send(new CreateActivityCommand({ name: 'approve' }));

    const d = await env.sfn.send(new DescribeActivityCommand({ activityArn }));
    const err = await rejection(env.sfn.send(new DescribeActivityCommand({ activityArn: UNKNOWN })));

    expect(d).toMatchObject({ activityArn, name: 'approve' });
    expect(err.name).toBe('ActivityDoesNotExist');
  });
});

describe('ListActivities', () => {
  it('lists activities oldest first, paged', async () => {
    const env = await apiEnv();
    for (const name of ['a', 'b', 'c']) await env.sfn.send(new CreateActivityCommand({ name }));

    const page1 = await env.sfn.send(new ListActivitiesCommand({ maxResults: 2 }));
    const page2 = await env.sfn.send(new ListActivitiesCommand({ maxResults: 2, nextToken: page1.nextToken }));

    expect(page1.activities!.map((a) => a.name)).toEqual(['a', 'b']);
    expect(page2.activities!.map((a) => a.name)).toEqual(['c']);
    expect(page2.nextToken).toBeUndefined();
  });
});

describe('DeleteActivity', () => {
  it('deletes the activity', async () => {
    const env = await apiEnv();
    const { activityArn } = await env.sfn.send(new CreateActivityCommand({ name: 'approve' }));

    await env.sfn.send(new DeleteActivityCommand({ activityArn }));
    const err = await rejection(env.sfn.send(new DescribeActivityCommand({ activityArn })));

    expect(err.name).toBe('ActivityDoesNotExist');
  });
});

describe('tags on an activity', () => {
  it('are set at creation and by TagResource', async () => {
    const env = await apiEnv();
    const { activityArn } = await env.sfn.send(new CreateActivityCommand({ name: 'approve', tags: [{ key: 'team', value: 'ops' }] }));

    await env.sfn.send(new TagResourceCommand({ resourceArn: activityArn, tags: [{ key: 'env', value: 'dev' }] }));
    const { tags } = await env.sfn.send(new ListTagsForResourceCommand({ resourceArn: activityArn }));

    expect(tags).toEqual([{ key: 'team', value: 'ops' }, { key: 'env', value: 'dev' }]);
  });
});

describe('GetActivityTask and an activity worker', () => {
  it('hands the worker the task\'s input and token; SendTaskSuccess completes it, recorded as Activity* events', async () => {
    const env = await apiEnv();
    const { activityArn, executionArn, got } = await env.clockHeld(async () => {
      const t = await taken(env, { TimeoutSeconds: 300, HeartbeatSeconds: 60 });
      // Act: before the virtual clock reaches the heartbeat deadline
      await env.sfn.send(new SendTaskSuccessCommand({ taskToken: t.got.taskToken, output: '{"approved":true}' }));
      return t;
    });

    const d = await finished(env.sfn, executionArn);
    const events = await historyOf(env.sfn, executionArn);

    expect(JSON.parse(got.input!)).toEqual({ order: 'o-1' });
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(events[2].activityScheduledEventDetails).toEqual({
      resource: activityArn, input: '{"order":"o-1"}', inputDetails: { truncated: false }, timeoutInSeconds: 300, heartbeatInSeconds: 60,
    });
    expect(events[3].activityStartedEventDetails).toEqual({ workerName: 'w-1' });
  });

  it('fails the task with what SendTaskFailure sends (ActivityFailed)', async () => {
    const env = await apiEnv();
    const { executionArn, got } = await taken(env);

    await env.sfn.send(new SendTaskFailureCommand({ taskToken: got.taskToken, error: 'Approval.Denied', cause: 'over budget' }));
    const d = await finished(env.sfn, executionArn);
    const events = await historyOf(env.sfn, executionArn);

    expect(d).toMatchObject({ status: 'FAILED', error: 'Approval.Denied', cause: 'over budget' });
    expect(events.find((e) => e.type === 'ActivityFailed')?.activityFailedEventDetails).toEqual({ error: 'Approval.Denied', cause: 'over budget' });
  });

  it('times the task out with States.HeartbeatTimeout when the worker sends no heartbeat (ActivityTimedOut)', async () => {
    const env = await apiEnv();
    const { executionArn } = await taken(env, { HeartbeatSeconds: 30 });

    const d = await finished(env.sfn, executionArn);
    const events = await historyOf(env.sfn, executionArn);

    expect(d).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(d.stopDate!.getTime() - d.startDate!.getTime()).toBe(30_000);
    expect(events.map((e) => e.type)).toContain('ActivityStarted');
    expect(events.find((e) => e.type === 'ActivityTimedOut')?.activityTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout' });
  });

  it('keeps the task alive while the worker sends heartbeats', async () => {
    const env = await apiEnv();
    const { executionArn, got } = await taken(env, { HeartbeatSeconds: 30 });

    await env.sleep(20);
    await env.clockHeld(() => env.sfn.send(new SendTaskHeartbeatCommand({ taskToken: got.taskToken })));
    await env.sleep(20);
    await env.clockHeld(() => env.sfn.send(new SendTaskSuccessCommand({ taskToken: got.taskToken, output: '"done"' })));
    const d = await finished(env.sfn, executionArn);

    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
    expect(d.stopDate!.getTime() - d.startDate!.getTime()).toBe(40_000);
  });

  it('answers {} with no taskToken when no task comes within the poll', async () => {
    const env = await apiEnv({ activityPollMs: 50 });
    const { activityArn } = await env.sfn.send(new CreateActivityCommand({ name: 'idle' }));

    const got = await env.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w-1' }));

    expect(got.taskToken).toBeUndefined();
    expect(got.input).toBeUndefined();
  });

  it('answers a waiting poll as soon as a task is scheduled', async () => {
    const env = await apiEnv();
    const { activityArn, stateMachineArn } = await activityMachine(env.sfn);

    const polling = env.sfn.send(new GetActivityTaskCommand({ activityArn }));
    await new Promise((r) => setTimeout(r, 50));
    await env.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"order":"o-2"}' }));
    const got = await polling;

    expect(JSON.parse(got.input!)).toEqual({ order: 'o-2' });
  });

  it('answers ActivityDoesNotExist for an unknown activity', async () => {
    const env = await apiEnv();

    const err = await rejection(env.sfn.send(new GetActivityTaskCommand({ activityArn: UNKNOWN })));

    expect(err.name).toBe('ActivityDoesNotExist');
  });

  it('ends a waiting poll when the server stops, without waiting out the 60 s', async () => {
    const env = await apiEnv();
    const { activityArn } = await env.sfn.send(new CreateActivityCommand({ name: 'idle' }));
    const polling = env.post('AWSStepFunctions.GetActivityTask', JSON.stringify({ activityArn })).catch(() => 'cut');
    await new Promise((r) => setTimeout(r, 50));
    const began = Date.now();

    await env.server.close();
    await polling;

    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('ends a waiting poll with no task when the engine halts', async () => {
    const env = await apiEnv();
    const { activityArn } = await env.sfn.send(new CreateActivityCommand({ name: 'idle' }));
    const polling = env.engine.engine.getActivityTask(activityArn!, 'w-1');

    env.engine.engine.halt();

    await expect(polling).resolves.toBeUndefined();
  });
});

describe('a mocked activity (MockConfigFile)', () => {
  it('takes the mocked response as its result, with no worker', async () => {
    const env = await apiEnv();
    env.engine.engine.integrations.intercept((req) => (req.resource.includes(':activity:') ? Promise.resolve({ mocked: true }) : undefined));
    const { stateMachineArn } = await activityMachine(env.sfn);

    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"order":"o-4"}' }));
    const d = await finished(env.sfn, executionArn!);

    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '{"mocked":true}' });
  });
});

describe('an activity task across an engine restart', () => {
  it.each([
    ['before a worker took it', false],
    ['after a worker took it', true],
  ])('is answered after the engine that scheduled it stopped, %s', async (_, takenBefore) => {
    // Prepare: a file store, an engine that schedules the task (a worker takes it, or not) and stops
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-activity-'));
    const database = join(dir, 'engine.db');
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const serve = async () => {
      const engine = new Engine({ database, scheduler: new VirtualScheduler() });
      engine.resumeAll();
      const server = await startApiServer({ engine, consoleDir: false });
      const sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials });
      return { engine, sfn, stop: async () => { sfn.destroy(); await server.close(); engine.close(); } };
    };
    try {
      const first = await serve();
      const { activityArn, stateMachineArn } = await activityMachine(first.sfn);
      const { executionArn } = await first.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"order":"o-3"}' }));
      for (let i = 0; i < 200 && !(await historyOf(first.sfn, executionArn!)).some((e) => e.type === 'ActivityScheduled'); i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const before = takenBefore ? await first.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'before-restart' })) : undefined;
      await first.stop();

      // Act
      const second = await serve();
      try {
        const got = before ?? await second.sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'after-restart' }));
        await second.sfn.send(new SendTaskSuccessCommand({ taskToken: got.taskToken, output: '"approved"' }));
        const d = await finished(second.sfn, executionArn!);
        const events = await historyOf(second.sfn, executionArn!);

        // Assess
        expect(JSON.parse(got.input!)).toEqual({ order: 'o-3' });
        expect(d).toMatchObject({ status: 'SUCCEEDED', output: '"approved"' });
        expect(events.filter((e) => e.type!.startsWith('Activity')).map((e) => e.type)).toEqual(['ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded']);
        expect(events.find((e) => e.type === 'ActivityStarted')?.activityStartedEventDetails).toEqual({ workerName: takenBefore ? 'before-restart' : 'after-restart' });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

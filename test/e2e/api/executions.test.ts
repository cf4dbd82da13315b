/**
 * Executions through the API, with the real SFNClient: start, describe, history, list, stop,
 * redrive, StartSyncExecution, on the engine's virtual clock.
 */
import { describe, it, expect } from '@jest/globals';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, DescribeStateMachineForExecutionCommand, ExecutionAlreadyExists,
  GetExecutionHistoryCommand, InvalidArn, ListExecutionsCommand, RedriveExecutionCommand, StartExecutionCommand, StartSyncExecutionCommand,
  StateMachineTypeNotSupported, StopExecutionCommand, UpdateStateMachineCommand, type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { fakeTasks, lambdaArn, taskError } from '../../support/engine-env.ts';
import { ROLE_ARN, apiEnvs, definition, rejection, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const ASK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const HOUR_THEN_PASS = definition({ W: { Type: 'Wait', Seconds: 3600, Next: 'P' }, P: { Type: 'Pass', Result: { done: true }, ResultPath: '$.r', End: true } });
const WAITS_FOR_TOKEN = definition({ Ask: { Type: 'Task', Resource: ASK, End: true } });

/** An environment whose queue accepts every message, so callback tasks wait for their token. */
function withQueue(): Promise<ApiEnv> {
  return apiEnv({ tasks: fakeTasks({ [ASK]: () => ({ MessageId: 'm-1' }) }) });
}

async function machine(env: ApiEnv, def: string, name = 'jobs', type?: 'EXPRESS'): Promise<string> {
  return (await env.sfn.send(new CreateStateMachineCommand({ name, definition: def, roleArn: ROLE_ARN, type }))).stateMachineArn!;
}

/** Polls DescribeExecution until the execution has ended. */
async function finished(env: ApiEnv, executionArn: string) {
  for (;;) {
    const d = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
  }
}

async function allEvents(env: ApiEnv, executionArn: string, page: object = {}): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const r = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, ...page }));
    events.push(...r.events!);
    nextToken = r.nextToken;
  } while (nextToken);
  return events;
}

describe('StartExecution and DescribeExecution', () => {
  it('runs an execution to its end and describes it with its input, output and virtual start and stop dates', async () => {
    // Prepare
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);

    // Act
    const started = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"report":"q3"}' }));
    const described = await finished(env, started.executionArn!);

    // Assess
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:jobs:run-1');
    expect(described).toMatchObject({
      executionArn: started.executionArn, stateMachineArn, name: 'run-1', status: 'SUCCEEDED',
      input: '{"report":"q3"}', inputDetails: { included: true }, output: '{"report":"q3","r":{"done":true}}', outputDetails: { included: true },
      redriveCount: 0, redriveStatus: 'NOT_REDRIVABLE',
    });
    expect(described.startDate).toEqual(started.startDate);
    expect(described.stopDate!.getTime() - described.startDate!.getTime()).toBe(3600_000);
  });

  it('describes a failed execution with its error and cause, as redrivable', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, definition({ F: { Type: 'Fail', Error: 'Report.Missing', Cause: 'no q3 report' } }));

    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const described = await finished(env, executionArn!);

    expect(described).toMatchObject({ status: 'FAILED', error: 'Report.Missing', cause: 'no q3 report', redriveStatus: 'REDRIVABLE' });
    expect(described.output).toBeUndefined();
  });

  it('answers the running execution again for the same name and input, and ExecutionAlreadyExists otherwise', async () => {
    const env = await withQueue();
    const stateMachineArn = await machine(env, WAITS_FOR_TOKEN);
    const first = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"n":1}' }));

    const same = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"n":1}' }));
    const other = await rejection(env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"n":2}' })));

    expect(same).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    expect(other.name).toBe(ExecutionAlreadyExists.name);
  });

  it('refuses the name of an execution that has ended, whatever the input', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{}' }));
    await finished(env, executionArn!);

    const refused = await rejection(env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'once', input: '{}' })));

    expect(refused.name).toBe(ExecutionAlreadyExists.name);
  });
});

describe('GetExecutionHistory', () => {
  it('answers the events with ids, previous ids, types, details and dates on the virtual clock', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);
    const { executionArn, startDate } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    await finished(env, executionArn!);

    const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(events!.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 0, 'WaitStateEntered'], [3, 2, 'WaitStateExited'], [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'], [6, 5, 'ExecutionSucceeded'],
    ]);
    expect(events![0]).toMatchObject({ timestamp: startDate, executionStartedEventDetails: { input: '{}', inputDetails: { truncated: false }, roleArn: ROLE_ARN } });
    expect(events![2].timestamp!.getTime() - startDate!.getTime()).toBe(3600_000);
  });

  it.each([
    ['oldest first', {}, [1, 2, 3, 4, 5, 6]],
    ['newest first with reverseOrder', { reverseOrder: true }, [6, 5, 4, 3, 2, 1]],
  ])('pages through the whole history %s', async (_case, order, ids) => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await finished(env, executionArn!);

    const events = await allEvents(env, executionArn!, { maxResults: 4, ...order });

    expect(events.map((e) => e.id)).toEqual(ids);
  });

  it('leaves the input and output payloads out when includeExecutionData is false', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"secret":1}' }));
    await finished(env, executionArn!);

    const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));

    expect(JSON.stringify(events)).not.toContain('secret');
    expect(events![0].executionStartedEventDetails).toEqual({ roleArn: ROLE_ARN });
    expect(events![1].stateEnteredEventDetails).toEqual({ name: 'W' });
  });
});

describe('ListExecutions', () => {
  it('lists a machine\'s executions newest first, by status, a page at a time', async () => {
    const env = await withQueue();
    const waiting = await machine(env, WAITS_FOR_TOKEN, 'waits');
    for (const name of ['w1', 'w2', 'w3']) {
      await env.sfn.send(new StartExecutionCommand({ stateMachineArn: waiting, name }));
      await env.sleep(1);
    }
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn: waiting, name: 'stopped' }));
    await env.sfn.send(new StopExecutionCommand({ executionArn }));

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: waiting, statusFilter: 'RUNNING', maxResults: 2, nextToken }));
      pages.push(page.executions!.map((e) => e.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    const aborted = await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: waiting, statusFilter: 'ABORTED' }));

    expect(pages).toEqual([['w3', 'w2'], ['w1']]);
    expect(aborted.executions).toEqual([expect.objectContaining({ executionArn, name: 'stopped', status: 'ABORTED', stateMachineArn: waiting, redriveCount: 0 })]);
  });
});

describe('StopExecution', () => {
  it('ends a waiting execution as ABORTED with the error and cause given', async () => {
    const env = await withQueue();
    const stateMachineArn = await machine(env, WAITS_FOR_TOKEN);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn }));

    const { stopDate } = await env.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'no longer needed' }));
    const described = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));

    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'no longer needed', stopDate, redriveStatus: 'REDRIVABLE' });
    expect(events![0]).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Operator.Stop', cause: 'no longer needed' } });
  });
});

describe('DescribeStateMachineForExecution', () => {
  it('answers the definition an execution started with, after the machine was updated', async () => {
    const env = await withQueue();
    const stateMachineArn = await machine(env, WAITS_FOR_TOKEN);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: HOUR_THEN_PASS }));

    const forExecution = await env.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));

    expect(forExecution).toMatchObject({ stateMachineArn, name: 'jobs', definition: WAITS_FOR_TOKEN, roleArn: ROLE_ARN });
  });
});

describe('RedriveExecution', () => {
  it('redrives a failed execution from the state that failed, which then succeeds', async () => {
    let healthy = false;
    const env = await apiEnv({ tasks: fakeTasks({ [lambdaArn('load')]: () => { if (!healthy) throw taskError('Load.Down', 'BI tool unreachable'); return 'loaded'; } }) });
    const stateMachineArn = await machine(env, definition({ Load: { Type: 'Task', Resource: lambdaArn('load'), End: true } }));
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await finished(env, executionArn!);
    healthy = true;

    const { redriveDate } = await env.sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await finished(env, executionArn!);

    expect(redriveDate).toEqual(new Date(env.now()));
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '"loaded"', redriveCount: 1, redriveDate });
  });

  it('refuses to redrive a succeeded execution with ExecutionNotRedrivable', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);
    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await finished(env, executionArn!);

    const refused = await rejection(env.sfn.send(new RedriveExecutionCommand({ executionArn })));

    expect(refused.name).toBe('ExecutionNotRedrivable');
  });
});

describe('Express state machines', () => {
  it('StartSyncExecution runs an hour-long Express execution to its end at once on the virtual clock', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS, 'fast', 'EXPRESS');

    const answer = await env.syncSfn.send(new StartSyncExecutionCommand({ stateMachineArn, name: 'sync-1', input: '{"a":1}' }));

    expect(answer).toMatchObject({
      stateMachineArn, name: 'sync-1', status: 'SUCCEEDED', input: '{"a":1}', output: '{"a":1,"r":{"done":true}}',
      outputDetails: { included: true }, billingDetails: expect.objectContaining({ billedDurationInMilliseconds: 3600_000 }),
    });
    expect(answer.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:express:fast:sync-1:[0-9a-f-]+$/);
    expect(answer.stopDate!.getTime() - answer.startDate!.getTime()).toBe(3600_000);
  });

  it('StartSyncExecution answers a failed Express execution with its error and cause', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, definition({ F: { Type: 'Fail', Error: 'Bad', Cause: 'input rejected' } }), 'fast', 'EXPRESS');

    const answer = await env.syncSfn.send(new StartSyncExecutionCommand({ stateMachineArn }));

    expect(answer).toMatchObject({ status: 'FAILED', error: 'Bad', cause: 'input rejected' });
    expect(answer.output).toBeUndefined();
  });

  it('StartSyncExecution refuses a Standard machine with StateMachineTypeNotSupported', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS);

    const refused = await rejection(env.syncSfn.send(new StartSyncExecutionCommand({ stateMachineArn })));

    expect(refused.name).toBe(StateMachineTypeNotSupported.name);
  });

  it('StartExecution of an Express machine answers an express ARN, which DescribeExecution refuses as AWS does', async () => {
    const env = await apiEnv();
    const stateMachineArn = await machine(env, HOUR_THEN_PASS, 'fast', 'EXPRESS');

    const { executionArn } = await env.sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'e1' }));
    const refused = await rejection(env.sfn.send(new DescribeExecutionCommand({ executionArn })));

    expect(executionArn).toMatch(/:express:fast:e1:/);
    expect(refused.name).toBe(InvalidArn.name);
  });
});

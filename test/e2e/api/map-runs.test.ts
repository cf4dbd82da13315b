/**
 * Map Runs through the API, with the real SFNClient: a Distributed Map over a CSV in S3 writing its
 * results with ResultWriter, its counts from DescribeMapRun, ListMapRuns, UpdateMapRun on a
 * running Map Run, tolerated failures.
 */
import { describe, it, expect } from '@jest/globals';
import {
  CreateStateMachineCommand, DescribeExecutionCommand, DescribeMapRunCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListMapRunsCommand,
  RedriveExecutionCommand, StartExecutionCommand, UpdateMapRunCommand,
} from '@aws-sdk/client-sfn';
import { fakeTasks, lambdaArn, taskError } from '../../support/engine-env.ts';
import { MemoryS3 } from '../../support/memory-s3.ts';
import { ROLE_ARN, apiEnvs, definition, eventually, rejection, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();

function distributedMap(fields: object, processor: object): string {
  return definition({
    M: {
      Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(processor)[0], States: processor },
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'in', Key: 'rows.csv' } },
      ...fields, End: true,
    },
  });
}

const TEN_SECONDS = { Pause: { Type: 'Wait', Seconds: 10, End: true } };

async function start(env: ApiEnv, def: string): Promise<string> {
  const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name: 'dmap', definition: def, roleArn: ROLE_ARN }));
  return (await env.sfn.send(new StartExecutionCommand({ stateMachineArn }))).executionArn!;
}

async function finished(env: ApiEnv, executionArn: string) {
  for (;;) {
    const d = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
  }
}

function rows(n: number, extra = ''): string {
  return `id\n${Array.from({ length: n }, (_, i) => `${i}`).join('\n')}\n${extra}`;
}

describe('Map Runs', () => {
  it('describes a finished Map Run with its counts, and lists it under its execution', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', rows(4));
    const env = await apiEnv({ s3 });
    const executionArn = await start(env, distributedMap({ MaxConcurrency: 2, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'r' } } }, TEN_SECONDS));

    const done = await finished(env, executionArn);
    const { mapRuns } = await env.sfn.send(new ListMapRunsCommand({ executionArn }));
    const run = await env.sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns![0].mapRunArn }));

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ MapRunArn: mapRuns![0].mapRunArn, ResultWriterDetails: { Bucket: 'out', Key: expect.stringMatching(/^r\/.+\/manifest\.json$/) } });
    expect(mapRuns).toHaveLength(1);
    expect(run).toMatchObject({
      executionArn, status: 'SUCCEEDED', maxConcurrency: 2, toleratedFailureCount: 0, toleratedFailurePercentage: 0,
      itemCounts: { pending: 0, running: 0, succeeded: 4, failed: 0, timedOut: 0, aborted: 0, total: 4, resultsWritten: 4 },
      executionCounts: { succeeded: 4, total: 4, resultsWritten: 4 },
    });
    expect(run.stopDate!.getTime() - run.startDate!.getTime()).toBe(20_000);
  });

  it('counts the children running and pending while the Map Run runs', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', rows(5));
    const env = await apiEnv({ s3 });

    const running = await env.clockHeld(async () => {
      const executionArn = await start(env, distributedMap({ MaxConcurrency: 2 }, TEN_SECONDS));
      const mapRunArn = await eventually(async () => (await env.sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn);
      return eventually(async () => {
        const d = await env.sfn.send(new DescribeMapRunCommand({ mapRunArn }));
        return d.itemCounts?.running === 2 ? d : undefined;
      });
    });

    expect(running).toMatchObject({ status: 'RUNNING', itemCounts: { pending: 3, running: 2, succeeded: 0, total: 5 } });
  });

  it('applies UpdateMapRun to the running Map Run: a higher MaxConcurrency starts the waiting children at once', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', rows(4));
    const env = await apiEnv({ s3 });

    const { executionArn, mapRunArn } = await env.clockHeld(async () => {
      const arn = await start(env, distributedMap({ MaxConcurrency: 1 }, TEN_SECONDS));
      const runArn = await eventually(async () => (await env.sfn.send(new ListMapRunsCommand({ executionArn: arn }))).mapRuns?.[0]?.mapRunArn);
      await env.sfn.send(new UpdateMapRunCommand({ mapRunArn: runArn, maxConcurrency: 4, toleratedFailureCount: 1 }));
      return { executionArn: arn, mapRunArn: runArn };
    });
    const done = await finished(env, executionArn);
    const run = await env.sfn.send(new DescribeMapRunCommand({ mapRunArn }));

    expect(done.status).toBe('SUCCEEDED');
    // one child at a time would take 40 s
    expect(done.stopDate!.getTime() - done.startDate!.getTime()).toBe(10_000);
    expect(run).toMatchObject({ maxConcurrency: 4, toleratedFailureCount: 1 });
  });

  it('counts the failed children a tolerated failure count lets through', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', rows(3, 'bad\n'));
    const env = await apiEnv({ s3 });
    const processor = {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.id', StringEquals: 'bad', Next: 'Bad' }], Default: 'Good' },
      Bad: { Type: 'Fail', Error: 'Row.Bad' },
      Good: { Type: 'Pass', End: true },
    };
    const executionArn = await start(env, distributedMap({ ToleratedFailureCount: 1 }, processor));

    const done = await finished(env, executionArn);
    const { mapRuns } = await env.sfn.send(new ListMapRunsCommand({ executionArn }));
    const run = await env.sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns![0].mapRunArn }));

    expect(done.status).toBe('SUCCEEDED');
    expect(run).toMatchObject({ status: 'SUCCEEDED', toleratedFailureCount: 1, itemCounts: { succeeded: 3, failed: 1, total: 4 } });
  });

  it('runs each child as an execution with its own history, listed by ListExecutions with the mapRunArn', async () => {
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', rows(2, 'bad\n'));
    const env = await apiEnv({ s3 });
    const processor = {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.id', StringEquals: 'bad', Next: 'Bad' }], Default: 'Good' },
      Bad: { Type: 'Fail', Error: 'Row.Bad', Cause: 'bad row' },
      Good: { Type: 'Pass', Result: 'ok', End: true },
    };
    const executionArn = await start(env, distributedMap({ Label: 'Rows', ToleratedFailureCount: 1 }, processor));
    await finished(env, executionArn);
    const { mapRuns } = await env.sfn.send(new ListMapRunsCommand({ executionArn }));
    const mapRunArn = mapRuns![0].mapRunArn!;

    const { executions } = await env.sfn.send(new ListExecutionsCommand({ mapRunArn }));
    const failed = executions!.find((e) => e.status === 'FAILED')!;
    const succeeded = executions!.find((e) => e.status === 'SUCCEEDED')!;
    const { events } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn: succeeded.executionArn }));
    const failedChild = await env.sfn.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));

    const firstPage = await env.sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 2 }));
    const secondPage = await env.sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 2, nextToken: firstPage.nextToken }));
    expect(executions).toHaveLength(3);
    expect([...firstPage.executions!, ...secondPage.executions!].map((e) => e.executionArn).sort()).toEqual(executions!.map((e) => e.executionArn).sort());
    expect(secondPage.nextToken).toBeUndefined();
    expect(succeeded.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:dmap\/Rows:[0-9a-f-]{36}$/);
    expect(succeeded).toMatchObject({ mapRunArn, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:dmap/Rows' });
    expect(events!.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'], [2, 1, 'ChoiceStateEntered'], [3, 2, 'ChoiceStateExited'],
      [4, 3, 'PassStateEntered'], [5, 4, 'PassStateExited'], [6, 5, 'ExecutionSucceeded'],
    ]);
    expect(events![5].executionSucceededEventDetails?.output).toBe('"ok"');
    expect(failedChild).toMatchObject({ status: 'FAILED', error: 'Row.Bad', cause: 'bad row', input: '{"id":"bad"}', mapRunArn });
    // the parent's history holds the Map Run, not the children's events
    const parent = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(parent.events!.map((e) => e.type)).not.toContain('PassStateEntered');
  });

  it('redrives a failed Map Run with RedriveExecution: only its failed children run again', async () => {
    const WORK = lambdaArn('work');
    let failing = true;
    const seen: string[] = [];
    const tasks = fakeTasks({
      [WORK]: (p) => {
        const id = (p as { id: string }).id;
        seen.push(id);
        if (failing && id === '1') throw taskError('Work.Failed', 'not yet');
        return id;
      },
    });
    const s3 = new MemoryS3();
    s3.put('in', 'rows.csv', rows(3));
    const env = await apiEnv({ s3, tasks });
    const executionArn = await start(env, distributedMap({}, { Work: { Type: 'Task', Resource: WORK, End: true } }));
    const failed = await finished(env, executionArn);
    failing = false;

    await env.sfn.send(new RedriveExecutionCommand({ executionArn }));
    const done = await finished(env, executionArn);
    const { mapRuns } = await env.sfn.send(new ListMapRunsCommand({ executionArn }));
    const run = await env.sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns![0].mapRunArn }));

    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(seen.filter((id) => id === '1')).toHaveLength(2);
    expect(run).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, itemCounts: { succeeded: 3, failed: 0, total: 3 } });
    expect(run.redriveDate).toBeInstanceOf(Date);
  });

  it.each<[string, string, string]>([
    ['an unknown Map Run', 'arn:aws:states:us-east-1:123456789012:mapRun:dmap/Rows:00000000-0000-4000-8000-000000000000', 'ResourceNotFound'],
    ['an ARN of another kind', 'arn:aws:states:us-east-1:123456789012:execution:dmap:run', 'InvalidArn'],
  ])('refuses DescribeMapRun and UpdateMapRun for %s', async (_case, mapRunArn, name) => {
    const env = await apiEnv();

    const described = await rejection(env.sfn.send(new DescribeMapRunCommand({ mapRunArn })));
    const updated = await rejection(env.sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 5 })));

    expect(described).toMatchObject({ name, status: 400 });
    expect(updated).toMatchObject({ name, status: 400 });
  });
});


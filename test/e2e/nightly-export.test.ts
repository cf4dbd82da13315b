/**
 * nightly-export on the whole local stack: a schedule tick (as EventBridge Scheduler delivers it
 * to start-on-schedule, delivered twice) → one execution named after the tick → the day's results
 * listed in the local S3 → one export put there → one e-mail through notify, with every Lambda
 * invocation delivered twice. On the CDK app (infra/) with the config's overlay, as deployed: the
 * export goes to the reports bucket report-etl's stack exports.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { localStacks, type StackEnv } from '../support/stack-env.ts';

const stacks = localStacks('app');

/** The tick as Scheduler fills the config's input: its context attributes replaced. */
function tick(scheduledTime: string, attempt: string) {
  return { schedule: 'nightly-export', scheduledTime, executionId: attempt, input: {} };
}

describe('nightly-export on the whole local stack, every Lambda invocation delivered twice', () => {
  let env: StackEnv;
  /** the reports bucket and start-on-schedule, as the stack names them */
  let reports: string;
  let startOnSchedule: string;
  beforeAll(async () => {
    env = await stacks({ duplicateDelivery: true });
    reports = env.names('bucket', 'reports');
    startOnSchedule = env.names('function', 'start-on-schedule');
  });

  it('exports the day before the tick once, and e-mails it once, for a tick delivered twice', async () => {
    // Prepare: two results of 2026-12-05, one of the next day
    for (const key of ['results/2026-12-05/q3-sales.json', 'results/2026-12-05/q3-costs.json', 'results/2026-12-06/q4-sales.json']) {
      await env.s3.send(new PutObjectCommand({ Bucket: reports, Key: key, Body: '{"rows":1}' }));
    }
    const stateMachineArn = env.stateMachineArn('nightly-export');
    // Act: Scheduler delivers the 02:00 tick, then again (a retry after a lost answer)
    const first = await env.stack.lambda.invoke(startOnSchedule, tick('2026-12-06T02:00:00Z', 'attempt-1'));
    const second = await env.stack.lambda.invoke(startOnSchedule, tick('2026-12-06T02:00:00Z', 'attempt-2'));
    // Assess
    expect(first.functionError).toBeUndefined();
    expect(second.functionError).toBeUndefined();
    // while the execution runs, StartExecution answers it again for the same name and input (as AWS does)
    expect(JSON.parse(second.payload)).toEqual(JSON.parse(first.payload));
    const executions = env.stack.engine.listExecutions({ stateMachineArn });
    expect(executions.map((e) => e.name)).toEqual(['nightly-export-20261206T020000Z']);
    const outcome = await env.stack.engine.waitFor(executions[0].arn);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
    const exported = await env.s3.send(new GetObjectCommand({ Bucket: reports, Key: 'exports/2026-12-05.json' }));
    const body = JSON.parse(await exported.Body!.transformToString()) as { day: string; count: number; results: { key: string }[] };
    expect(body).toMatchObject({ day: '2026-12-05', count: 2 });
    expect(body.results.map((r) => r.key).sort()).toEqual(['results/2026-12-05/q3-costs.json', 'results/2026-12-05/q3-sales.json']);
    expect(env.emails('Nightly export ready')).toEqual([
      { subject: `Nightly export ready: s3://${reports}/exports/2026-12-05.json`, text: expect.stringContaining('2 result objects of 2026-12-05'), to: env.notifyRecipients },
    ]);
  });

  it('starts the next tick as a new execution', async () => {
    // Act
    const next = await env.stack.lambda.invoke(startOnSchedule, tick('2026-12-07T02:00:00Z', 'attempt-1'));
    // Assess
    const { executionArn, started } = JSON.parse(next.payload) as { executionArn: string; started: boolean };
    expect(started).toBe(true);
    expect(await env.stack.engine.waitFor(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: { day: '2026-12-06', count: 1, key: 'exports/2026-12-06.json' } });
    // a tick delivered after its execution closed finds ExecutionAlreadyExists: done, nothing started
    const late = await env.stack.lambda.invoke(startOnSchedule, tick('2026-12-07T02:00:00Z', 'attempt-2'));
    expect(JSON.parse(late.payload)).toEqual({ executionArn, name: 'nightly-export-20261207T020000Z', started: false });
    expect(env.stack.engine.listExecutions({ stateMachineArn: env.stateMachineArn('nightly-export') })).toHaveLength(2);
  });
});

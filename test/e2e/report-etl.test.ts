/**
 * report-etl on the whole local stack, as the CDK app (infra/) deploys it, with the config's
 * overlay: an upload to S3 → the rule → the trigger queue → start-from-s3 → the state machine →
 * the real handlers in the Lambda runtime → the BI simulator → signed webhooks → the app's
 * callback route (an HTTP API and the callback-receiver function) → the engine, and the e-mail
 * through SES into the outbox. On a virtual clock: each 40-minute job takes about a second, and
 * the functions read that clock, so the webhooks' signed timestamps agree with them.
 */
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RedriveExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '../../engine/history/events.ts';
import { objectCreatedEvent } from '../../local/triggers/s3-events.ts';
import { signWebhook, SIGNATURE_HEADER } from '../../handlers/shared/webhook.ts';
import { detailsOf, eventsOf, payloadOf, secondsAfterStart } from '../support/engine-env.ts';
import { FORTY_MINUTES, localStacks, type StackEnv } from '../support/stack-env.ts';

const stacks = localStacks('app');

/** The states entered, in order. */
function statesEntered(history: HistoryEvent[]): string[] {
  return history.filter((e) => e.type.endsWith('StateEntered')).map((e) => String(detailsOf(e).name));
}

/** The task token the StartEtlJob task handed to its handler. */
function startEtlJobToken(history: HistoryEvent[]): string | undefined {
  const entered = history.find((e) => e.type === 'TaskStateEntered' && detailsOf(e).name === 'StartEtlJob');
  if (!entered) return undefined;
  const scheduled = history.find((e) => e.type === 'TaskScheduled' && e.id > entered.id);
  if (!scheduled) return undefined;
  return (payloadOf(scheduled, 'parameters') as { Payload: { taskToken: string } }).Payload.taskToken;
}

function jobsFor(env: StackEnv, key: string) {
  const uploads = new Set(env.stack.bi.uploads().filter((u) => u.key === key).map((u) => u.uploadId));
  return env.stack.bi.jobs().filter((j) => uploads.has(j.uploadId));
}

describe('report-etl on the whole local stack', () => {
  let env: StackEnv;
  /** the reports bucket, as the stack names it */
  let reports: string;
  beforeAll(async () => {
    env = await stacks({ bi: { timings: FORTY_MINUTES } });
    reports = env.names('bucket', 'reports');
  });
  beforeEach(() => {
    env.stack.bi.setFaults({});
  });

  it('runs a 40-minute ETL job to SUCCEEDED and puts the success e-mail in the outbox', async () => {
    // Act
    const { executionArn } = await env.upload('q3/sales.csv');
    const { outcome, history } = await env.finish(executionArn);
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesEntered(history)).toEqual(['Begin', 'Init', 'UploadReport', 'StartEtlJob', 'NotifySucceeded', 'Succeeded']);
    // the upload is processed after a minute, the job's completion callback 40 minutes later
    expect(secondsAfterStart(history, 'TaskSucceeded').slice(0, 2)).toEqual([60, 60 + 40 * 60]);
    const [job] = jobsFor(env, 'q3/sales.csv');
    expect(job).toMatchObject({ status: 'SUCCEEDED' });
    expect(env.emails(`s3://${reports}/q3/sales.csv`)).toEqual([
      { subject: `Report loaded: s3://${reports}/q3/sales.csv`, text: expect.stringContaining(job.jobId), to: env.notifyRecipients },
    ]);
    const described = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
  });

  it('recovers a lost completion webhook by polling the job', async () => {
    // Prepare
    env.stack.bi.setFaults({ loseWebhooks: ['job.succeeded'] });
    // Act
    const { executionArn } = await env.upload('q3/lost-webhook.csv');
    const { outcome, history } = await env.finish(executionArn);
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    // heartbeats stop with the job; ten minutes later the callback wait gives up and polling finds the job done
    expect(eventsOf(history, 'TaskTimedOut')[0]).toMatchObject({ taskTimedOutEventDetails: { error: 'States.HeartbeatTimeout' } });
    expect(statesEntered(history)).toEqual(expect.arrayContaining(['FindEtlJob', 'PollEtlJob.Check', 'NotifySucceeded', 'Succeeded']));
    expect(jobsFor(env, 'q3/lost-webhook.csv')).toHaveLength(1);
    expect(env.emails('lost-webhook.csv').map((m) => m.subject)).toEqual([`Report loaded: s3://${reports}/q3/lost-webhook.csv`]);
  });

  it('ends FAILED with the job error when the ETL job fails, and e-mails the failure', async () => {
    // Prepare
    env.stack.bi.setFaults({ failJobs: true });
    // Act
    const { executionArn } = await env.upload('q3/broken.csv');
    const { outcome } = await env.finish(executionArn);
    // Assess
    const [job] = jobsFor(env, 'q3/broken.csv');
    expect(job.status).toBe('FAILED');
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ReportEtl.JobFailed' });
    expect(outcome.status === 'FAILED' && outcome.cause).toBe(`ETL job for s3://${reports}/q3/broken.csv failed: ${job.error}`);
    expect(job.error).toContain(job.jobId);
    expect(env.emails('broken.csv')).toEqual([
      { subject: `Report ETL failed: s3://${reports}/q3/broken.csv`, text: expect.stringContaining(String(job.error)), to: env.notifyRecipients },
    ]);
  });

  it('starts one execution when the same S3 event is delivered twice', async () => {
    // Prepare
    const { executionArn, created } = await env.upload('q3/twice.csv');
    // Act: EventBridge delivers the same event again
    env.stack.rules.dispatch(objectCreatedEvent(created, { account: env.stack.engine.accountId, region: env.stack.engine.region, timeMs: env.scheduler.now() }));
    await env.stack.rules.settled();
    const { outcome } = await env.finish(executionArn);
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const executions = env.stack.engine.listExecutions({ stateMachineArn: env.stateMachineArn('report-etl') }).filter((e) => e.input.includes('q3/twice.csv'));
    expect(executions.map((e) => e.arn)).toEqual([executionArn]);
    expect(jobsFor(env, 'q3/twice.csv')).toHaveLength(1);
  });

  it('rejects a forged completion callback and leaves the execution waiting for the real one', async () => {
    // Prepare
    let forged: { status: number; body: unknown } | undefined;
    const { executionArn } = await env.upload('q3/forged.csv');
    // Act: while the job runs, someone without the secret claims it succeeded
    await env.onceIdle(
      () => startEtlJobToken(env.stack.engine.history(executionArn)) !== undefined,
      async () => {
        const token = startEtlJobToken(env.stack.engine.history(executionArn))!;
        const body = JSON.stringify({ id: 'evt-forged', type: 'job.succeeded', status: 'SUCCEEDED', jobId: 'job-forged' });
        const res = await fetch(`${env.callbacksUrl}/callbacks?token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook('not-the-secret', `/callbacks?token=${encodeURIComponent(token)}`, body, Math.floor(env.scheduler.now() / 1000)) },
          body,
        });
        forged = { status: res.status, body: await res.json() };
      },
    );
    const { outcome, history } = await env.finish(executionArn);
    // Assess
    expect(forged).toMatchObject({ status: 401 });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'TaskFailed')).toEqual([]);
    const [job] = jobsFor(env, 'q3/forged.csv');
    expect(payloadOf(eventsOf(history, 'ExecutionSucceeded')[0], 'output')).toMatchObject({ jobId: job.jobId });
    // the job task ended with the real webhook, 40 minutes after the upload was processed
    expect(secondsAfterStart(history, 'TaskSucceeded').slice(0, 2)).toEqual([60, 60 + 40 * 60]);
    expect(job.status).toBe('SUCCEEDED');
  });

  it('redrives an execution that failed during a BI outage to success without starting a second job', async () => {
    // Prepare: no heartbeats or completion webhook, so the workflow falls back to finding the job, during an outage
    env.stack.bi.setFaults({ loseWebhooks: ['job.heartbeat', 'job.succeeded'] });
    const { executionArn } = await env.upload('q3/outage.csv');
    await env.onceIdle(
      () => eventsOf(env.stack.engine.history(executionArn), 'TaskTimedOut').length > 0,
      () => env.stack.bi.setFaults({ loseWebhooks: ['job.heartbeat', 'job.succeeded'], unavailable: true }),
    );
    const failed = await env.finish(executionArn);
    expect(failed.outcome).toMatchObject({ status: 'FAILED', error: 'BI.Unavailable' });
    expect(jobsFor(env, 'q3/outage.csv')).toHaveLength(1);
    // Act: the outage is over; redrive through the API, as from the console
    env.stack.bi.setFaults({ loseWebhooks: ['job.heartbeat', 'job.succeeded'] });
    await env.sfn.send(new RedriveExecutionCommand({ executionArn }));
    const { outcome, history } = await env.finish(executionArn);
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'ExecutionRedriven')).toHaveLength(1);
    const jobs = jobsFor(env, 'q3/outage.csv');
    expect(jobs).toHaveLength(1);
    expect(env.emails('outage.csv')).toEqual([expect.objectContaining({ subject: `Report loaded: s3://${env.names('bucket', 'reports')}/q3/outage.csv`, text: expect.stringContaining(jobs[0].jobId) })]);
  });
});

describe('report-etl with every Lambda invocation delivered twice', () => {
  it('still makes exactly one BI upload, one BI job and one e-mail per report', async () => {
    // Prepare
    const env = await stacks({ bi: { timings: FORTY_MINUTES }, duplicateDelivery: true });
    // Act
    const { executionArn } = await env.upload('q4/doubled.csv');
    const { outcome } = await env.finish(executionArn);
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(env.stack.bi.uploads().filter((u) => u.key === 'q4/doubled.csv')).toHaveLength(1);
    expect(jobsFor(env, 'q4/doubled.csv')).toHaveLength(1);
    // SES has no idempotency key: notify's idempotency record is what keeps the second delivery from mailing again
    const reports = env.names('bucket', 'reports');
    expect(env.emails(`s3://${reports}/q4/doubled.csv`).map((m) => m.subject)).toEqual([`Report loaded: s3://${reports}/q4/doubled.csv`]);
    expect(env.stack.engine.listExecutions({ stateMachineArn: env.stateMachineArn('report-etl') })).toHaveLength(1);
  });
});

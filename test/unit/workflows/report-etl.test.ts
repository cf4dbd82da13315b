/**
 * report-etl on the engine, with a fake BI service on the virtual clock: a 40-minute job finishes
 * by callback; a lost callback is recovered by polling; a failed job, a passed deadline and a
 * failed upload end FAILED with a clear error; a long poll continues as a new execution.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonObject } from '../../../engine/json.ts';
import { reportEtl, REPORT_ETL_DEFAULTS, type ReportEtlOptions } from '../../../workflows/report-etl.ts';
import { START_MS, detailsOf, eventsOf, testEngines } from '../../support/engine-env.ts';
import { FakeBi, definitionOf, withStartExecution, type FakeBiOptions } from './workflow-env.ts';

const testEngine = testEngines();
const INPUT = { bucket: 'reports', key: 'q3/sales.csv' };
const MINUTE = 60_000;

/** Starts report-etl against a fake BI service; resolves when the first execution ends. */
async function runReportEtl(bi: FakeBiOptions, options: ReportEtlOptions = {}) {
  const fake = new FakeBi(bi);
  const env = withStartExecution(testEngine({ tasks: fake.tasks() }));
  fake.bind(env);
  const stateMachineArn = env.create(definitionOf(reportEtl(options)));
  const { executionArn } = env.engine.startExecution({ stateMachineArn, name: 'report-1', input: JSON.stringify(INPUT) });
  const { outcome, history } = await env.finish(executionArn);
  return { env, fake, outcome, history, stateMachineArn, executionArn };
}

function intervals(times: number[]): number[] {
  return times.slice(1).map((t, i) => (t - times[i]) / 1000);
}

describe('report-etl', () => {
  it('runs a 40-minute job to SUCCEEDED on its completion callback and notifies success', async () => {
    // Prepare / Act
    const { env, fake, outcome } = await runReportEtl({ jobSeconds: 40 * 60, heartbeatEverySeconds: 300 });

    // Assess
    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: { ...INPUT, jobId: 'job-1', status: 'SUCCEEDED', resultUrl: 's3://bi/job-1.parquet' },
    });
    expect(env.now() - START_MS).toBe(MINUTE + 40 * MINUTE); // upload processed after a minute, then the job
    expect(fake.checks).toEqual([]);
    expect(fake.jobStarts).toEqual([{ key: 'report-1/StartEtlJob', at: START_MS + MINUTE, withToken: true }]);
    expect(fake.notifications.map((n) => n.payload)).toEqual([
      { outcome: 'SUCCEEDED', report: INPUT, jobId: 'job-1', idempotencyKey: 'report-1/NotifySucceeded' },
    ]);
  });

  it('recovers a lost completion callback by polling, with intervals that grow and are capped', async () => {
    const { fake, outcome } = await runReportEtl({ jobSeconds: 40 * 60, completionWebhook: false });

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { jobId: 'job-1', status: 'SUCCEEDED' } });
    // no heartbeat came, so the fallback started HeartbeatSeconds after the job
    expect((fake.checks[0] - fake.jobStarts[0].at) / 1000).toBe(REPORT_ETL_DEFAULTS.jobHeartbeatSeconds);
    expect(intervals(fake.checks)).toEqual([30, 60, 120, 240, 480, 600, 600]);
    // the fallback asked for the job by the same key: one job, never a second
    expect(fake.jobStarts.map((s) => [s.key, s.withToken])).toEqual([['report-1/StartEtlJob', true], ['report-1/StartEtlJob', false]]);
    expect(fake.notifications.map((n) => n.payload.outcome)).toEqual(['SUCCEEDED']);
  });

  it('retries a check the BI service could not answer, with jittered back-off, and keeps polling', async () => {
    const { outcome, history } = await runReportEtl({ jobSeconds: 40 * 60, completionWebhook: false, unavailableChecks: 2 });

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { status: 'SUCCEEDED' } });
    expect(eventsOf(history, 'TaskTimedOut').map((e) => detailsOf(e).error)).toEqual(['States.HeartbeatTimeout']);
    expect(eventsOf(history, 'TaskFailed').map((e) => detailsOf(e).error)).toEqual(['BI.Unavailable', 'BI.Unavailable']);
  });

  it.each([
    ['its failure callback', { completionWebhook: true }],
    ['polling, after its heartbeat stopped', { completionWebhook: false }],
  ])('ends FAILED with ReportEtl.JobFailed and the job error when the job fails, learnt by %s', async (_how, extra) => {
    const { fake, outcome } = await runReportEtl({ jobSeconds: 20 * 60, jobError: 'row 7: bad date', ...extra });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ReportEtl.JobFailed' });
    expect((outcome as { cause: string }).cause).toMatch(/^ETL job .* for s3:\/\/reports\/q3\/sales\.csv failed: row 7: bad date$/);
    expect(fake.notifications.map((n) => [n.payload.outcome, n.payload.error])).toEqual([['JOB_FAILED', 'row 7: bad date']]);
  });

  it('ends FAILED with ReportEtl.DeadlinePassed when the job is still running at its deadline', async () => {
    const { env, fake, outcome } = await runReportEtl({ jobSeconds: 24 * 3600, endless: true });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ReportEtl.DeadlinePassed' });
    expect((outcome as { cause: string }).cause).toContain('was still RUNNING at its deadline');
    const deadline = fake.jobStarts[0].at + REPORT_ETL_DEFAULTS.jobDeadlineSeconds * 1000;
    expect(fake.checks.at(-1)).toBe(deadline); // the last wait is cut short to end on the deadline
    expect(Math.max(...intervals(fake.checks))).toBe(REPORT_ETL_DEFAULTS.pollMaxIntervalSeconds);
    expect(env.now()).toBe(deadline);
    expect(fake.notifications.map((n) => n.payload.outcome)).toEqual(['DEADLINE_PASSED']);
  });

  it('ends FAILED with ReportEtl.UploadFailed when the BI service rejects the upload, starting no job', async () => {
    const { fake, outcome } = await runReportEtl({ jobSeconds: 60, uploadError: 'not a CSV file' });

    expect(outcome).toEqual({ status: 'FAILED', error: 'ReportEtl.UploadFailed', cause: 'upload of s3://reports/q3/sales.csv to the BI service failed: not a CSV file' });
    expect(fake.jobStarts).toEqual([]);
    expect(fake.notifications.map((n) => n.payload.outcome)).toEqual(['UPLOAD_FAILED']);
  });

  it('continues polling as new executions carrying its state once it reaches its poll bound', async () => {
    const { env, fake, outcome, stateMachineArn } = await runReportEtl({ jobSeconds: 40 * 60, completionWebhook: false }, { maxPollsPerExecution: 3 });
    const arnOf = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

    const second = await env.finish(arnOf('report-1-c1'));
    const third = await env.finish(arnOf('report-1-c2'));

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { continuedAs: arnOf('report-1-c1') } });
    expect(JSON.parse(env.engine.describeExecution(arnOf('report-1-c1')).input)).toMatchObject({
      continueAsNew: { loop: 'PollEtlJob', etlPoll: { polls: 3, generation: 0, root: 'report-1' }, carry: { ...INPUT, uploadId: 'up-1', jobId: 'job-1' } },
    });
    expect(second.outcome).toEqual({ status: 'SUCCEEDED', output: { continuedAs: arnOf('report-1-c2') } });
    expect(third.outcome).toMatchObject({ status: 'SUCCEEDED', output: { ...INPUT, jobId: 'job-1', status: 'SUCCEEDED' } });
    // the back-off goes on growing across executions as if it were one loop
    expect(intervals(fake.checks)).toEqual([30, 60, 120, 240, 480, 600, 600]);
    expect(fake.checks).toHaveLength(8);
    expect(fake.jobStarts.filter((s) => s.withToken)).toHaveLength(1);
    expect(fake.notifications.map((n) => (n.payload as JsonObject).outcome)).toEqual(['SUCCEEDED']);
  });
});

/**
 * Running the workflows on the engine with in-memory fakes: a fake BI service whose job runs on
 * the virtual clock and sends (or loses) its webhooks as the callback receiver would turn them
 * into SendTask* calls, a fake queue, and the fake Lambdas that talk to them.
 */
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import { StartExecutionIntegration } from '../../../local/integrations/start-execution.ts';
import type { Workflow } from '../../../workflows/patterns/asl.ts';
import { substitute, type Substitutions } from '../../../workflows/substitutions.ts';
import { type FakeTask, type FakeTaskContext, type TestEngine, fakeTasks, lambdaArn, taskError } from '../../support/engine-env.ts';

export const SUBSTITUTIONS: Substitutions = {
  UploadReportFunctionArn: lambdaArn('upload-report'),
  StartEtlJobFunctionArn: lambdaArn('start-etl-job'),
  CheckEtlJobFunctionArn: lambdaArn('check-etl-job'),
  NotifyFunctionArn: lambdaArn('notify'),
  CallbackBaseUrl: 'http://127.0.0.1:8085',
  ProcessBatchFunctionArn: lambdaArn('process-batch'),
  DrainQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/drain',
  ReportsBucketName: 'reports',
};

const INVOKE = 'arn:aws:states:::lambda:invoke';
const INVOKE_WAITING = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The definition text with the test's ARNs in place of the placeholders. */
export function definitionOf(workflow: Workflow): string {
  return substitute(JSON.stringify(workflow.definition), SUBSTITUTIONS);
}

/** Lambda functions by name, answering `lambda:invoke` (with a Payload) and its callback form. */
export function fakeLambdas(functions: Record<string, FakeTask>, waiting: Record<string, FakeTask> = {}) {
  const byName = (table: Record<string, FakeTask>, wrap: boolean): FakeTask => async (params, ctx) => {
    const p = params as JsonObject;
    const name = String(p.FunctionName).split(':').pop()!;
    const fn = table[name];
    if (!fn) throw taskError('Lambda.ResourceNotFoundException', `Function not found: ${name}`);
    const payload = await fn(p.Payload ?? null, ctx);
    return wrap ? { StatusCode: 200, Payload: payload } : payload;
  };
  return fakeTasks({ [INVOKE]: byName(functions, true), [INVOKE_WAITING]: byName(waiting, true) });
}

/** Lets the environment's engine start executions of its own state machines (continueAsNew). */
export function withStartExecution(env: TestEngine): TestEngine {
  env.engine.integrations.register(new StartExecutionIntegration({ engine: env.engine }));
  return env;
}

export interface FakeBiOptions {
  /** how long the ETL job runs */
  jobSeconds: number;
  /** the job's end: SUCCEEDED, or FAILED with this error */
  jobError?: string;
  /** the job never ends */
  endless?: boolean;
  /** the completion webhook is sent (default true) */
  completionWebhook?: boolean;
  /** a job.heartbeat webhook every this many seconds while the job runs (default: none) */
  heartbeatEverySeconds?: number;
  uploadSeconds?: number;
  /** the first this many job checks fail with BI.Unavailable (the BI service answered 503) */
  unavailableChecks?: number;
  /** the upload ends with upload.failed and this error */
  uploadError?: string;
}

/** What the notify Lambda was asked to send, and when. */
export interface Notification { payload: JsonObject; at: number }

/**
 * The BI service and the report-etl Lambdas in one fake: upload and job run on the virtual clock;
 * webhooks arrive as the callback receiver turns them into SendTaskSuccess/Failure/Heartbeat.
 */
export class FakeBi {
  readonly jobStarts: { key: string; at: number; withToken: boolean }[] = [];
  readonly checks: number[] = [];
  readonly notifications: Notification[] = [];
  private readonly jobs = new Map<string, { jobId: string; startedAt: number }>();
  private env!: TestEngine;
  private failedChecks = 0;
  private readonly opts: FakeBiOptions;

  constructor(opts: FakeBiOptions) {
    this.opts = opts;
  }

  /** The fake Lambdas, bound to `env` once it exists. */
  tasks() {
    return fakeLambdas(
      {
        'start-etl-job': (p, ctx) => ({ jobId: this.startJob(p as JsonObject, ctx, false) }),
        'check-etl-job': (p, ctx) => this.check(String((p as JsonObject).jobId), ctx),
        notify: (p, ctx) => {
          this.notifications.push({ payload: p as JsonObject, at: ctx.now() });
          return { sent: true };
        },
      },
      {
        'upload-report': (_p, ctx) => {
          const token = ctx.request.taskToken!;
          this.later(ctx, this.opts.uploadSeconds ?? 60, () => this.opts.uploadError === undefined
            ? this.env.engine.sendTaskSuccess(token, JSON.stringify({ type: 'upload.processed', uploadId: 'up-1', status: 'PROCESSED' }))
            : this.env.engine.sendTaskFailure(token, 'BI.UploadFailed', this.opts.uploadError));
          return { uploadId: 'up-1', status: 'PROCESSING' };
        },
        'start-etl-job': (p, ctx) => ({ jobId: this.startJob(p as JsonObject, ctx, true), status: 'RUNNING' }),
      },
    );
  }

  bind(env: TestEngine): this {
    this.env = env;
    return this;
  }

  private startJob(p: JsonObject, ctx: FakeTaskContext, withToken: boolean): string {
    const key = String(p.idempotencyKey);
    this.jobStarts.push({ key, at: ctx.now(), withToken });
    const existing = this.jobs.get(key);
    if (existing) return existing.jobId;
    const job = { jobId: `job-${this.jobs.size + 1}`, startedAt: ctx.now() };
    this.jobs.set(key, job);
    const token = ctx.request.taskToken!;
    const { jobSeconds, heartbeatEverySeconds, endless } = this.opts;
    if (heartbeatEverySeconds) {
      for (let t = heartbeatEverySeconds; t < jobSeconds; t += heartbeatEverySeconds) {
        this.later(ctx, t, () => this.env.engine.sendTaskHeartbeat(token));
      }
    }
    if (!endless && this.opts.completionWebhook !== false) {
      this.later(ctx, jobSeconds, () => this.opts.jobError === undefined
        ? this.env.engine.sendTaskSuccess(token, JSON.stringify({ type: 'job.succeeded', jobId: job.jobId, status: 'SUCCEEDED', resultUrl: `s3://bi/${job.jobId}.parquet` }))
        : this.env.engine.sendTaskFailure(token, 'BI.JobFailed', this.opts.jobError));
    }
    return job.jobId;
  }

  private check(jobId: string, ctx: FakeTaskContext): JsonValue {
    if ((this.opts.unavailableChecks ?? 0) > this.failedChecks) {
      this.failedChecks++;
      throw taskError('BI.Unavailable', 'GET /jobs/job-1 answered 503');
    }
    this.checks.push(ctx.now());
    const job = [...this.jobs.values()].find((j) => j.jobId === jobId)!;
    const elapsed = (ctx.now() - job.startedAt) / 1000;
    if (this.opts.endless || elapsed < this.opts.jobSeconds) return { jobId, status: 'RUNNING', progress: Math.floor((100 * elapsed) / this.opts.jobSeconds) };
    if (this.opts.jobError !== undefined) return { jobId, status: 'FAILED', progress: 100, error: this.opts.jobError };
    return { jobId, status: 'SUCCEEDED', progress: 100, resultUrl: `s3://bi/${jobId}.parquet` };
  }

  /** Runs `act` after `seconds` of virtual time, ignoring a token that is no longer open. */
  private later(ctx: FakeTaskContext, seconds: number, act: () => void): void {
    void ctx.sleep(seconds).then(() => {
      try {
        act();
      } catch {
        // the task ended already (timed out, or the execution ended): the webhook comes too late
      }
    });
  }
}

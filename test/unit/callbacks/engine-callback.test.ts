/**
 * The whole callback path on a virtual clock: a `.waitForTaskToken` task hands the BI simulator a
 * callback URL carrying its token; the simulator's webhooks reach the receiver, which tells the
 * engine.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import type { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { startBiSimulator, type BiFaults, type BiSimulator } from '../../../local/bi-simulator/simulator.ts';
import { startCallbackReceiver, type CallbackReceiver } from '../../../local/callbacks/receiver.ts';
import { engineTaskSender } from '../../../local/callbacks/task-sender.ts';
import { eventsOf, fakeTasks, payloadOf, secondsAfterStart, testEngines, type FakeTaskContext } from '../../support/engine-env.ts';

const SECRET = 'shared-secret';
const testEngine = testEngines();
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const INVOKE_WAITING = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

const definition = {
  StartAt: 'Upload',
  States: {
    Upload: {
      Type: 'Task',
      Resource: INVOKE_WAITING,
      Parameters: { FunctionName: 'upload-report', Payload: { bucket: 'in', 'key.$': '$.key', 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 600,
      ResultPath: '$.upload',
      Next: 'Job',
    },
    Job: {
      Type: 'Task',
      Resource: INVOKE_WAITING,
      Parameters: { FunctionName: 'start-etl-job', Payload: { 'uploadId.$': '$.upload.uploadId', 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 120,
      TimeoutSeconds: 7200,
      ResultPath: '$.job',
      End: true,
    },
  },
};

async function stack(faults: BiFaults = {}) {
  // the fakes need the servers' URLs, which exist only once the engine's clock does
  let bi: BiSimulator | undefined;
  let receiver: CallbackReceiver | undefined;
  let scheduler: VirtualScheduler | undefined;
  const post = async (path: string, body: object, ctx: FakeTaskContext): Promise<JsonValue> => {
    // real I/O, as a Lambda handler's: the virtual clock must not jump while it is in flight
    const done = scheduler!.beginWork();
    try {
      const res = await fetch(`${bi!.url}${path}`, {
        method: 'POST',
        headers: { 'Idempotency-Key': `${ctx.request.stateName}/${ctx.request.taskToken}` },
        body: JSON.stringify({ ...body, callbackUrl: receiver!.callbackUrl(ctx.request.taskToken!) }),
      });
      return (await res.json()) as JsonValue;
    } finally {
      done();
    }
  };
  // stands in for the upload-report and start-etl-job handlers
  const tasks = fakeTasks({
    [INVOKE_WAITING]: (p, ctx) => {
      const { FunctionName, Payload } = p as { FunctionName: string; Payload: { bucket: string; key: string; uploadId: string } };
      return FunctionName === 'upload-report'
        ? post('/uploads', { bucket: Payload.bucket, key: Payload.key }, ctx)
        : post('/jobs', { uploadId: Payload.uploadId }, ctx);
    },
  });
  const env = testEngine({ tasks });
  scheduler = env.scheduler;
  bi = await startBiSimulator({ scheduler: env.scheduler, webhookSecret: SECRET, timings: { uploadSeconds: 45, jobSeconds: 3600, heartbeatSeconds: 60 }, faults });
  receiver = await startCallbackReceiver({ secret: SECRET, sfn: engineTaskSender(env.engine), clock: () => env.now() });
  stops.push(() => bi!.stop(), () => receiver!.stop());
  return { env, bi };
}

describe('simulator → receiver → engine', () => {
  it('completes an upload and an hour-long job through signed webhooks, kept alive by heartbeats', async () => {
    // Prepare
    const { env, bi } = await stack();
    const realStart = Date.now();
    // Act
    const { outcome, history } = await env.run(definition, { key: 'reports/q3.csv' });
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const output = payloadOf(eventsOf(history, 'ExecutionSucceeded')[0], 'output') as Record<string, Record<string, unknown>>;
    expect(output.upload).toMatchObject({ type: 'upload.processed', status: 'PROCESSED' });
    expect(output.job).toMatchObject({ type: 'job.succeeded', status: 'SUCCEEDED', progress: 100, jobId: bi.jobs()[0].jobId });
    expect(secondsAfterStart(history, 'TaskSucceeded')).toEqual([45, 3645]);
    expect(bi.stats()).toEqual({ uploads: 1, jobs: 1, webhooksSent: 61, webhooksLost: 0, webhooksFailed: 0 });
    expect(Date.now() - realStart).toBeLessThan(15_000);
  });

  it('turns a failed job into a task failure named BI.JobFailed with the job error as cause', async () => {
    const { env, bi } = await stack({ failJobs: true });
    const { outcome, history } = await env.run(definition, { key: 'reports/q3.csv' });
    expect(outcome.status).toBe('FAILED');
    const [failed] = eventsOf(history, 'TaskFailed');
    expect(failed.taskFailedEventDetails).toMatchObject({ error: 'BI.JobFailed', cause: bi.jobs()[0].error });
  });

  it('times the job task out when heartbeats are lost, and the late completion webhook is answered 410', async () => {
    // Prepare
    const { env, bi } = await stack({ loseWebhooks: ['job.heartbeat'] });
    // Act
    const { outcome, history } = await env.run(definition, { key: 'reports/q3.csv' });
    await env.sleep(3600);
    // Assess
    expect(outcome.status).toBe('FAILED');
    expect(eventsOf(history, 'TaskTimedOut')[0].taskTimedOutEventDetails).toMatchObject({ error: 'States.HeartbeatTimeout' });
    expect(secondsAfterStart(history, 'TaskTimedOut')).toEqual([45 + 120]);
    // upload.processed accepted; job.succeeded refused (410) by a receiver still serving
    expect(bi.stats()).toMatchObject({ webhooksLost: 59, webhooksSent: 2, webhooksFailed: 1 });
  });
});

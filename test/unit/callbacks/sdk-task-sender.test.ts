/** The receiver in front of the Step Functions API through `@aws-sdk/client-sfn`, as it would sit in front of AWS. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { SFNClient } from '@aws-sdk/client-sfn';
import { startApiServer } from '../../../engine/api/server.ts';
import { startCallbackReceiver } from '../../../local/callbacks/receiver.ts';
import { sdkTaskSender } from '../../../local/callbacks/sdk-task-sender.ts';
import { signWebhook } from '../../../local/callbacks/signature.ts';
import { fakeTasks, testEngines } from '../../support/engine-env.ts';

const SECRET = 'sdk-secret';
const INVOKE_WAITING = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const testEngine = testEngines();
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

const definition = {
  StartAt: 'Await',
  States: {
    Await: { Type: 'Task', Resource: INVOKE_WAITING, Parameters: { FunctionName: 'f', Payload: { 'token.$': '$$.Task.Token' } }, TimeoutSeconds: 600, End: true },
  },
};

describe('sdkTaskSender', () => {
  it('settles a waiting task through the SDK, and a second webhook for it answers 410', async () => {
    // Prepare
    const tasks = fakeTasks({ [INVOKE_WAITING]: () => ({ StatusCode: 200 }) });
    const env = testEngine({ tasks });
    const api = await startApiServer({ engine: env.engine });
    const sfn = new SFNClient({ endpoint: api.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const receiver = await startCallbackReceiver({ secret: SECRET, sfn: sdkTaskSender(sfn), clock: () => env.now() });
    stops.push(() => receiver.stop(), () => sfn.destroy(), () => api.close());
    const arn = env.start(definition, {});
    await env.idle();
    const [token] = tasks.tokens;
    const post = async (id: string) => {
      const body = JSON.stringify({ id, type: 'job.succeeded', jobId: 'job-1', status: 'SUCCEEDED', progress: 100, sentAt: new Date(env.now()).toISOString() });
      const done = env.scheduler.beginWork();
      try {
        const res = await fetch(receiver.callbackUrl(token), { method: 'POST', body, headers: { 'X-BI-Signature': signWebhook(SECRET, receiver.callbackUrl(token), body, env.now() / 1000) } });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      } finally {
        done();
      }
    };
    // Act
    const first = await post('evt-1');
    const { outcome } = await env.finish(arn);
    const late = await post('evt-2');
    // Assess
    expect(first).toEqual({ status: 200, body: { accepted: true } });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(late.status).toBe(410);
    expect(late.body.error).toBe('TaskGone');
  });
});

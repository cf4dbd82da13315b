/**
 * Issue 11, item 9: a signed webhook captured on its way to one execution's callback URL, replayed
 * to another execution's URL — before or after a restart of the receiver — must settle nothing.
 * The receiver runs as the local stack runs it: in front of the engine, with the secret and the
 * accepted event ids kept in the data folder.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCallbackReceiver, type CallbackReceiver } from '../../../local/callbacks/receiver.ts';
import { engineTaskSender } from '../../../local/callbacks/task-sender.ts';
import { signWebhook } from '../../../local/callbacks/signature.ts';
import { localWebhookSecret } from '../../../local/callbacks/webhook-secret.ts';
import { eventsOf, fakeTasks, payloadOf, testEngines, type TestEngine } from '../../support/engine-env.ts';

const INVOKE_WAITING = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const testEngine = testEngines();
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

/** One job task waiting for its completion webhook; `who` names the execution. */
const definition = {
  StartAt: 'AwaitJob',
  States: {
    AwaitJob: {
      Type: 'Task',
      Resource: INVOKE_WAITING,
      Parameters: { FunctionName: 'start-etl-job', Payload: { 'who.$': '$.who', 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      End: true,
    },
  },
};

interface Captured {
  body: string;
  signature: string;
}

async function twoWaitingExecutions(dataDir: string) {
  const tokens: Record<string, string> = {};
  const tasks = fakeTasks({
    [INVOKE_WAITING]: (p) => {
      const { who, token } = (p as { Payload: { who: string; token: string } }).Payload;
      tokens[who] = token;
      return { StatusCode: 200 };
    },
  });
  const env = testEngine({ tasks });
  const secret = localWebhookSecret(dataDir);
  const open = async () => {
    const receiver = await startCallbackReceiver({ secret, sfn: engineTaskSender(env.engine), clock: () => env.now(), dataDir });
    stops.push(() => receiver.stop());
    return receiver;
  };
  const a = env.start(definition, { who: 'A' });
  const b = env.start(definition, { who: 'B' });
  await env.idle();
  /** The BI service's completion webhook for `who`'s job, signed for its callback URL. */
  const webhookFor = (receiver: CallbackReceiver, who: string): Captured => {
    const body = JSON.stringify({ id: `evt-${who}`, type: 'job.succeeded', jobId: `job-${who}`, status: 'SUCCEEDED', progress: 100, sentAt: new Date(env.now()).toISOString() });
    return { body, signature: signWebhook(secret, receiver.callbackUrl(tokens[who]), body, env.now() / 1000) };
  };
  /** POSTs a webhook to `who`'s callback URL, holding the virtual clock while it is in flight. */
  const send = async (receiver: CallbackReceiver, who: string, webhook: Captured) => {
    const done = env.scheduler.beginWork();
    try {
      const res = await fetch(receiver.callbackUrl(tokens[who]), { method: 'POST', body: webhook.body, headers: { 'X-BI-Signature': webhook.signature } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } finally {
      done();
    }
  };
  return { env, open, a, b, webhookFor, send };
}

function statusOf(env: TestEngine, arn: string): string {
  return env.engine.describeExecution(arn).status;
}

function outputOf(history: Parameters<typeof eventsOf>[0]) {
  return payloadOf(eventsOf(history, 'ExecutionSucceeded')[0], 'output');
}

describe('a webhook replayed to another execution', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataFolder = () => {
    const d = mkdtempSync(join(tmpdir(), 'longhaul-replay-'));
    dirs.push(d);
    return d;
  };

  it("is refused 401 at the other execution's callback URL, which keeps waiting for its own", async () => {
    // Prepare
    const { env, open, a, b, webhookFor, send } = await twoWaitingExecutions(dataFolder());
    const receiver = await open();
    const captured = webhookFor(receiver, 'A');
    // Act
    const original = await send(receiver, 'A', captured);
    const replayed = await send(receiver, 'B', captured);
    const bMeanwhile = statusOf(env, b);
    const own = await send(receiver, 'B', webhookFor(receiver, 'B'));
    // Assess
    expect(original.status).toBe(200);
    expect(replayed).toEqual({ status: 401, body: { error: 'SignatureMismatch', message: expect.stringContaining('not accepted at another') } });
    expect(bMeanwhile).toBe('RUNNING');
    expect(own.status).toBe(200);
    expect(outputOf((await env.finish(a)).history)).toMatchObject({ jobId: 'job-A' });
    expect(outputOf((await env.finish(b)).history)).toMatchObject({ jobId: 'job-B' });
  });

  it('is refused after a restart of the receiver on the same data folder: 401 at the other URL, 409 at its own', async () => {
    // Prepare: A's completion accepted, then the receiver restarts
    const dataDir = dataFolder();
    const { env, open, a, b, webhookFor, send } = await twoWaitingExecutions(dataDir);
    const before = await open();
    const captured = webhookFor(before, 'A');
    expect((await send(before, 'A', captured)).status).toBe(200);
    await before.stop();
    const after = await open();
    // Act
    const toOther = await send(after, 'B', captured);
    const toOwn = await send(after, 'A', captured);
    const bMeanwhile = statusOf(env, b);
    const own = await send(after, 'B', webhookFor(after, 'B'));
    // Assess
    expect(toOther.status).toBe(401);
    expect(toOwn).toEqual({ status: 409, body: { error: 'EventReplayed', message: 'event evt-A was already accepted' } });
    expect(bMeanwhile).toBe('RUNNING');
    expect(own.status).toBe(200);
    expect(outputOf((await env.finish(a)).history)).toMatchObject({ jobId: 'job-A' });
    expect(outputOf((await env.finish(b)).history)).toMatchObject({ jobId: 'job-B' });
  });
});

/**
 * The resource kinds of a CDK app beyond state machines and functions, on the whole local stack and
 * its virtual clock: SQS event source mappings with a dead-letter queue, EventBridge Scheduler
 * schedules, HTTP APIs, Secrets Manager and SNS fan-out.
 */
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { START_MS } from '../../support/engine-env.ts';
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { localClientConfig } from '../../../local/services/clients.ts';
import { localStacks } from '../../support/stack-env.ts';
import { startLocalStack, type StackConfig } from '../../../local/stack.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';

const stacks = localStacks();
const dir = mkdtempSync(join(tmpdir(), 'longhaul-resources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ECHO = join(dir, 'echo.asl.json');
writeFileSync(ECHO, JSON.stringify({ StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Waits (in real time, while the virtual clock runs) until `probe` answers something. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Receives what a queue holds now, deleting nothing (short visibility so a later look sees it again). */
async function drain(sqs: SQSClient, url: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 600 }));
    if (!got.Messages?.length) return bodies;
    bodies.push(...got.Messages.map((m) => m.Body!));
  }
}

describe('SQS event source mappings', () => {
  it('deletes the records a batch handled, redelivers the one it reported failed, and the redrive policy moves it to the dead-letter queue after maxReceiveCount', async () => {
    // Prepare
    const env = await stacks({
      config: (c) => ({
        ...c,
        functions: { ...c.functions, 'batch-worker': { handler: `${fixture('batch-worker.ts')}#handler`, timeout: 10, environment: { SEEN_QUEUE: '{{queue:seen}}' } } },
        queues: [...(c.queues ?? []), 'seen', 'jobs-dlq', { name: 'jobs', visibilityTimeoutSeconds: 45, deadLetter: { queue: 'jobs-dlq', maxReceiveCount: 2 } }],
        eventSourceMappings: [{ queue: 'jobs', function: 'batch-worker', batchSize: 5, reportBatchItemFailures: true }],
      }),
    });
    const { queues } = env.stack;

    // Act
    const sentAt = env.elapsedMs();
    await env.sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.jobs, Entries: ['ok-1', 'poison-2', 'ok-3'].map((body, i) => ({ Id: String(i), MessageBody: body })) }));
    const dead = await eventually(async () => {
      const bodies = await drain(env.sqs, queues['jobs-dlq']);
      return bodies.length > 0 ? bodies : undefined;
    }, 'the dead-letter queue');

    // Assess
    expect(dead).toEqual(['poison-2']);
    expect(await drain(env.sqs, queues.jobs)).toEqual([]);
    const seen = (await drain(env.sqs, queues.seen)).map((b) => JSON.parse(b) as { body: string; attributes: { ApproximateReceiveCount: string }; eventSource: string; eventSourceARN: string; awsRegion: string; receiptHandle: string });
    const tries = seen.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`).sort();
    expect(tries).toEqual(['ok-1#1', 'ok-3#1', 'poison-2#1', 'poison-2#2']);
    expect(seen[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d{12}:jobs$/), awsRegion: 'us-east-1', receiptHandle: 'string' });
    // the redelivery waited for the visibility timeout on the engine's clock
    expect(env.elapsedMs() - sentAt).toBeGreaterThanOrEqual(45_000);
  });
});

describe('EventBridge Scheduler schedules', () => {
  it('starts the state machine every 5 virtual minutes, named after each tick, and a tick delivered twice starts one execution', async () => {
    // Prepare
    const env = await stacks({
      config: (c) => ({
        ...c,
        stateMachines: [...(c.stateMachines ?? []), { name: 'echo', definitionFile: ECHO }],
        schedules: [{ name: 'every-five', expression: 'rate(5 minutes)', stateMachine: 'echo', input: { at: '<aws.scheduler.scheduled-time>', fixed: 1 } }],
      }),
    });
    const machine = env.stack.stateMachines.echo;
    const executions = () => env.stack.engine.listExecutions({ stateMachineArn: machine });

    // Act
    // schedules do not move the virtual clock by themselves: the test lets a quarter of an hour pass
    await env.scheduler.sleepUntil(START_MS + 15 * 60_000 + 1).promise;
    await eventually(async () => (executions().length >= 3 ? true : undefined), 'three ticks');
    const firstTick = START_MS + 5 * 60_000;
    const again = [env.stack.schedules.deliver('every-five', firstTick), env.stack.schedules.deliver('every-five', firstTick)];

    // Assess
    const byName = executions().map((e) => e.name).sort();
    expect(byName.slice(0, 3)).toEqual(['every-five-20240101T000500Z', 'every-five-20240101T001000Z', 'every-five-20240101T001500Z']);
    expect(new Set(byName).size).toBe(byName.length);
    expect(again).toEqual([`${machine.replace(':stateMachine:', ':execution:')}:every-five-20240101T000500Z`, `${machine.replace(':stateMachine:', ':execution:')}:every-five-20240101T000500Z`]);
    // one execution for the first tick, whatever it is named: its input carries the tick's time
    const firstTicks = executions().filter((e) => (JSON.parse(e.input) as { at: string }).at === '2024-01-01T00:05:00Z');
    expect(firstTicks.map((e) => [e.name, JSON.parse(e.input)])).toEqual([['every-five-20240101T000500Z', { at: '2024-01-01T00:05:00Z', fixed: 1 }]]);
  });
});

describe('HTTP APIs and Secrets Manager', () => {
  it('routes a request to the function of the most specific route, which reads a secret with its own SDK client, and answers ResourceNotFoundException for a secret the secrets file lacks', async () => {
    // Prepare
    const secretsFile = join(dir, 'longhaul.secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ 'db-password': 'hunter2', 'bi-credentials': { user: 'bi', key: 'k' } }));
    const env = await stacks({
      secretsFile,
      config: (c) => ({
        ...c,
        functions: { ...c.functions, 'secret-reader': { handler: `${fixture('secret-reader.ts')}#handler`, timeout: 10 } },
        secrets: [{ name: 'db-password' }, { name: 'bi-credentials' }, { name: 'not-in-file' }],
        httpApis: [{ name: 'admin', routes: [{ route: 'GET /secrets/{name}', function: 'secret-reader' }, { route: 'ANY /{proxy+}', function: 'secret-reader' }] }],
      }),
    });
    const base = env.stack.httpApis.admin.url;

    // Act
    const found = await fetch(`${base}/secrets/db-password?verbose=1`);
    const json = await fetch(`${base}/secrets/bi-credentials`);
    const missing = await fetch(`${base}/secrets/not-in-file`);
    const other = await fetch(`${base}/orders/7/lines`, { method: 'POST', body: '{"qty":2}', headers: { 'content-type': 'application/json' } });

    // Assess
    expect(found.status).toBe(200);
    expect(found.headers.get('x-secret-arn')).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:db-password-[A-Za-z0-9]{6}$/);
    expect(await found.json()).toEqual({ value: 'hunter2', query: { verbose: '1' } });
    expect(await json.json()).toEqual({ value: '{"user":"bi","key":"k"}', query: null });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'ResourceNotFoundException', message: expect.stringContaining('not-in-file') });
    expect(other.status).toBe(200);
    expect(other.headers.get('content-type')).toBe('application/json');
    expect(await other.json()).toEqual({ route: 'ANY /{proxy+}', method: 'POST', path: '/orders/7/lines', params: { proxy: 'orders/7/lines' }, body: '{"qty":2}' });
    expect((await fetch(`${base}`)).status).toBe(404);
  });
});

describe('SNS topics and subscriptions', () => {
  it('fans a message out to a queue (raw) and a function (SNS event), each taking only what its filter policy matches', async () => {
    // Prepare
    const env = await stacks({
      config: (c) => ({
        ...c,
        functions: { ...c.functions, 'refunds': { handler: `${fixture('sns-listener.ts')}#handler`, timeout: 10, environment: { SEEN_QUEUE: '{{queue:refunds-seen}}', TOPIC: '{{topic:events}}' } } },
        queues: [...(c.queues ?? []), 'orders', 'refunds-seen'],
        topics: ['events'],
        subscriptions: [
          { topic: 'events', protocol: 'sqs', endpoint: 'orders', rawMessageDelivery: true, filterPolicy: { kind: ['order'] } },
          { topic: 'events', protocol: 'lambda', endpoint: 'refunds', filterPolicy: { kind: ['refund'] } },
        ],
      }),
    });
    const sns = new SNSClient(localClientConfig(env.stack.services.endpoint, env.stack.engine.region));
    const topicArn = env.stack.topics.events;

    // Act
    try {
      for (const kind of ['order', 'refund', 'other']) {
        await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: kind, Message: JSON.stringify({ kind, amount: 5 }), MessageAttributes: { kind: { DataType: 'String', StringValue: kind } } }));
      }
    } finally {
      sns.destroy();
    }
    const refunds = await eventually(async () => {
      const got = await drain(env.sqs, env.stack.queues['refunds-seen']);
      return got.length > 0 ? got : undefined;
    }, 'the function\'s delivery');

    // Assess
    expect(await drain(env.sqs, env.stack.queues.orders)).toEqual([JSON.stringify({ kind: 'order', amount: 5 })]);
    expect(refunds.map((r) => JSON.parse(r))).toEqual([{
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: expect.stringContaining(topicArn),
      Sns: expect.objectContaining({
        Type: 'Notification', TopicArn: topicArn, Subject: 'refund', Message: JSON.stringify({ kind: 'refund', amount: 5 }),
        MessageAttributes: { kind: { Type: 'String', Value: 'refund' } },
      }),
    }]);
    // nothing more arrives for the function once the clock has moved on
    await new Promise((r) => setTimeout(r, 200));
    expect(await drain(env.sqs, env.stack.queues['refunds-seen'])).toEqual([]);
  });
});

describe('a restart on the same data folder', () => {
  it('comes back with the same queue URLs, topic ARN and HTTP API URL, and its subscriptions and redrive policy re-applied without error', async () => {
    // Prepare
    const dataDir = join(dir, 'data');
    const config: StackConfig = {
      functions: { 'secret-reader': { handler: `${fixture('secret-reader.ts')}#handler`, timeout: 10 } },
      queues: ['dlq', { name: 'jobs', visibilityTimeoutSeconds: 10, deadLetter: { queue: 'dlq', maxReceiveCount: 3 } }],
      topics: ['events'],
      subscriptions: [{ topic: 'events', protocol: 'sqs', endpoint: 'jobs', filterPolicy: { kind: ['job'] } }, { topic: 'events', protocol: 'lambda', endpoint: 'secret-reader' }],
      eventSourceMappings: [{ queue: 'jobs', function: 'secret-reader', enabled: false }],
      httpApis: [{ name: 'admin', routes: [{ route: '$default', function: 'secret-reader' }] }],
    };
    const start = () => startLocalStack({ dataDir, config, configDir: dir, scheduler: new VirtualScheduler(START_MS), onLambdaLog: () => {} });
    const first = await start();
    const before = { queues: first.queues, topics: first.topics, api: first.httpApis.admin.url };
    await first.stop();

    // Act
    const second = await start();
    try {
      // Assess
      expect({ queues: second.queues, topics: second.topics, api: second.httpApis.admin.url }).toEqual(before);
      expect((await fetch(`${second.httpApis.admin.url}/anything`)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

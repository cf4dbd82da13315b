/**
 * The resource kinds of a CDK app beyond state machines and functions, on the whole local stack and
 * its virtual clock: SQS event source mappings with a dead-letter queue, EventBridge Scheduler
 * schedules, HTTP APIs, Secrets Manager and SNS fan-out.
 */
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { localStacks } from '../../support/stack-env.ts';

const stacks = localStacks();
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

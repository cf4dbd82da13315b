/**
 * An SQS poller on a virtual clock: idle, it backs off to Lambda's 20-second long-poll wait rather
 * than moving the clock one second at a time; woken, it receives at once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { VirtualScheduler } from '../../../../engine/runtime/clock.ts';
import { QueuePoller } from '../../../../local/triggers/queue-poller.ts';

const START = Date.UTC(2024, 0, 1);

/** An in-memory queue answering the poller's receives and deletes; records when each receive came. */
function memoryQueue(scheduler: VirtualScheduler) {
  const messages: Message[] = [];
  const receivesAt: number[] = [];
  let seq = 0;
  const sqs = {
    send: async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'ReceiveMessageCommand') {
        receivesAt.push(scheduler.now() - START);
        return { Messages: messages.splice(0) };
      }
      return {};
    },
  } as unknown as SQSClient;
  const put = (body: string) => {
    seq += 1;
    messages.push({ MessageId: `m${seq}`, ReceiptHandle: `r${seq}`, Body: body });
  };
  return { sqs, put, receivesAt };
}

const open: QueuePoller[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function poller(scheduler: VirtualScheduler, sqs: SQSClient, invoked: string[]) {
  const p = new QueuePoller({
    mapping: { queue: 'trigger', function: 'start' },
    queue: { url: 'http://127.0.0.1/000000000000/trigger', arn: 'arn:aws:sqs:us-east-1:000000000000:trigger', visibilityTimeoutSeconds: 30 },
    sqs,
    scheduler,
    region: 'us-east-1',
    invoke: async (_fn, event) => {
      invoked.push(...(event as { Records: { body: string }[] }).Records.map((r) => r.body));
      return {};
    },
  });
  open.push(p);
  return p;
}

describe('an SQS poller on a virtual clock', () => {
  it('waits longer after each empty receive, up to 20 seconds', async () => {
    // Prepare
    const scheduler = new VirtualScheduler(START);
    const queue = memoryQueue(scheduler);
    // Act
    poller(scheduler, queue.sqs, []).start();
    await scheduler.sleepUntil(START + 100_000).promise;
    // Assess
    expect(queue.receivesAt.slice(0, 9)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 51_000, 71_000, 91_000]);
  });

  it('receives at once when woken, and waits a second again after what it received', async () => {
    // Prepare: idle long enough to wait the longest
    const scheduler = new VirtualScheduler(START);
    const queue = memoryQueue(scheduler);
    const invoked: string[] = [];
    const p = poller(scheduler, queue.sqs, invoked);
    p.start();
    await scheduler.sleepUntil(START + 60_000).promise;
    // Act: a message arrives, and whoever sent it wakes the poller
    const doneWork = scheduler.beginWork();
    queue.put('hello');
    p.wake();
    doneWork();
    await scheduler.sleepUntil(START + 62_000).promise;
    // Assess
    expect(invoked).toEqual(['hello']);
    // at once (its idle wait would have ended at 71 s), then again at once while it found messages, then a second later
    expect([...new Set(queue.receivesAt.filter((t) => t >= 60_000 && t <= 62_000))]).toEqual([60_000, 61_000]);
  });
});

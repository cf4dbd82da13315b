/**
 * Lambda's SQS pollers for the local stack: an event source mapping receives from its queue in
 * batches of up to `batchSize`, invokes its function with the SQS event, deletes what succeeded
 * and leaves the rest for redelivery, so the queue's redrive policy moves a poison message to its
 * dead-letter queue after `maxReceiveCount` receives, as on AWS.
 *
 * Polls run on the engine's clock: a poll holds `scheduler.beginWork()` only while its receive and
 * invocation are under way. An empty poll waits for the next on a passive timer, which a virtual
 * clock stops at on its way to its next timer but never moves forward for (an idle stack's clock
 * stands still, and its schedules with it), and on a virtual clock also on a real-time timer, for
 * messages sent while nothing moves the clock. fauxqs counts visibility timeouts on the wall clock; on a virtual clock the
 * poller makes a failed message visible again itself once its visibility timeout has passed on the
 * engine's clock (ChangeMessageVisibility 0), so redelivery happens at the virtual time AWS would.
 * On a virtual clock an idle poller also backs off (1 s, 2 s, ... up to 20 s, Lambda's long-poll
 * wait) between empty receives, so that a 40-minute wait is a hundred polls rather than 2,400, each
 * a real round trip; what the stack puts on the queue itself (a rule's target, a redelivery) wakes
 * it at once (`wake()`), and a message sent from outside is received within 20 virtual seconds.
 *
 * The same poller feeds SNS's Lambda subscriptions (`snsEvent`): fauxqs delivers only to queues,
 * so a Lambda subscription is a hidden queue subscribed to the topic that the poller drains into
 * the function with SNS's event shape.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { JsonValue } from '../../engine/json.ts';
import type { Scheduler, TimerHandle } from '../../engine/runtime/clock.ts';

/** An event source mapping from an SQS queue to a function (Lambda's CreateEventSourceMapping). */
export interface EventSourceMapping {
  queue: string;
  function: string;
  /** messages per invocation, 1 to 10,000 (default 10) */
  batchSize?: number;
  maximumBatchingWindowSeconds?: number;
  /** default true */
  enabled?: boolean;
  /** the function answers `{ batchItemFailures: [{ itemIdentifier }] }` to fail only some records */
  reportBatchItemFailures?: boolean;
}

/** The queue a poller reads, as the stack created it. */
export interface PolledQueue {
  url: string;
  arn: string;
  /** the queue's visibility timeout (SQS's default 30) */
  visibilityTimeoutSeconds: number;
}

export type InvokeFunction = (functionName: string, event: JsonValue) => Promise<{ functionError?: string; payload?: string }>;

/** How a poller turns received messages into the function's event. */
export type EventShape = 'sqs' | 'sns';

/** How long an idle poller waits before it receives again. */
const POLL_INTERVAL_MS = 1_000;
/** On a virtual clock, the longest an idle poller waits (Lambda's long polling waits 20 s). */
const IDLE_MAX_MS = 20_000;
/** SQS's most per ReceiveMessage. */
const RECEIVE_MAX = 10;

/**
 * Polls one queue into one function until closed.
 *
 * @example
 * const poller = new QueuePoller({ mapping: { queue: 'jobs', function: 'work' }, queue, sqs, scheduler, region, invoke });
 * poller.start();
 * poller.close();
 */
export class QueuePoller {
  private readonly opts: { mapping: EventSourceMapping; queue: PolledQueue; sqs: SQSClient; scheduler: Scheduler; region: string; invoke: InvokeFunction; shape?: EventShape };
  private timer: TimerHandle | undefined;
  /** on a virtual clock, the real-time poll of an idle queue */
  private realTimer: NodeJS.Timeout | undefined;
  private readonly redeliveries = new Set<TimerHandle>();
  private polling: Promise<void> | undefined;
  private closed = false;
  /** the next idle wait */
  private idleMs = POLL_INTERVAL_MS;
  /** woken while a poll was under way: poll again at once */
  private woken = false;

  constructor(opts: QueuePoller['opts']) {
    this.opts = opts;
  }

  start(): void {
    if (this.opts.mapping.enabled === false) return;
    this.arm(0);
  }

  /** Stops polling; resolves once a poll under way has ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.clearRealTimer();
    for (const t of this.redeliveries) t.cancel();
    await this.polling;
  }

  /** A message was put on the queue: poll now rather than at the end of an idle wait. */
  wake(): void {
    this.idleMs = POLL_INTERVAL_MS;
    if (this.closed || this.opts.mapping.enabled === false) return;
    if (!this.timer) {
      this.woken = true;
      return;
    }
    this.timer.cancel();
    this.clearRealTimer();
    this.arm(0);
  }

  /**
   * The next poll: at once after a poll that received messages or was woken; after an empty one,
   * on a passive timer (see the header) and, on a virtual clock, a real-time one.
   */
  private arm(ms: number): void {
    if (this.closed) return;
    const { scheduler } = this.opts;
    const idle = ms > 0;
    let fired = false;
    const pollNow = () => {
      if (fired || this.closed) return;
      fired = true;
      this.timer?.cancel();
      this.timer = undefined;
      this.clearRealTimer();
      this.woken = false;
      const done = scheduler.beginWork();
      this.polling = this.poll()
        .catch((e: unknown) => {
          if (!this.closed) process.emitWarning(`polling ${this.opts.mapping.queue} for ${this.opts.mapping.function}: ${e instanceof Error ? e.message : String(e)}`);
          return 0;
        })
        .then((received) => this.arm(received > 0 || this.woken ? this.busy() : this.idle()))
        .finally(done);
    };
    this.timer = scheduler.setTimeout(pollNow, ms, { passive: idle });
    if (idle && scheduler.virtual) {
      this.realTimer = setTimeout(pollNow, POLL_INTERVAL_MS);
      this.realTimer.unref();
    }
  }

  private clearRealTimer(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  private busy(): number {
    this.idleMs = POLL_INTERVAL_MS;
    return 0;
  }

  private idle(): number {
    const ms = this.idleMs;
    if (this.opts.scheduler.virtual) this.idleMs = Math.min(IDLE_MAX_MS, this.idleMs * 2);
    return ms;
  }

  /** One receive and one invocation; answers how many messages it received. */
  private async poll(): Promise<number> {
    const { mapping, queue, sqs } = this.opts;
    const batchSize = Math.max(1, mapping.batchSize ?? 10);
    const messages: Message[] = [];
    while (messages.length < batchSize && !this.closed) {
      const got = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(RECEIVE_MAX, batchSize - messages.length),
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }));
      const batch = got.Messages ?? [];
      messages.push(...batch);
      if (batch.length === 0) break;
    }
    if (messages.length === 0 || this.closed) return messages.length;
    const event = this.opts.shape === 'sns' ? snsEvent(messages) : sqsEvent(messages, queue.arn, this.opts.region);
    const failed = await this.failedIds(event, messages);
    const succeeded = messages.filter((m) => !failed.has(m.MessageId!));
    for (let i = 0; i < succeeded.length; i += RECEIVE_MAX) {
      await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: succeeded.slice(i, i + RECEIVE_MAX).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
      }));
    }
    for (const m of messages) if (failed.has(m.MessageId!)) this.redeliverLater(m);
    return messages.length;
  }

  /** The message ids the invocation failed: all of them, the ones it reported, or none. */
  private async failedIds(event: JsonValue, messages: Message[]): Promise<Set<string>> {
    const all = new Set(messages.map((m) => m.MessageId!));
    let answer: { functionError?: string; payload?: string };
    try {
      answer = await this.opts.invoke(this.opts.mapping.function, event);
    } catch {
      return all;
    }
    if (answer.functionError) return all;
    if (!this.opts.mapping.reportBatchItemFailures || this.opts.shape === 'sns') return new Set();
    let reported: unknown;
    try {
      reported = answer.payload ? (JSON.parse(answer.payload) as { batchItemFailures?: unknown }).batchItemFailures : undefined;
    } catch {
      return all;
    }
    if (reported === undefined || reported === null) return new Set();
    // Lambda takes a malformed answer as the whole batch failed
    if (!Array.isArray(reported)) return all;
    const ids = new Set<string>();
    for (const f of reported as { itemIdentifier?: unknown }[]) {
      if (typeof f?.itemIdentifier !== 'string' || !all.has(f.itemIdentifier)) return all;
      ids.add(f.itemIdentifier);
    }
    return ids;
  }

  /** On a virtual clock, ends the message's visibility timeout when the engine's clock reaches it. */
  private redeliverLater(m: Message): void {
    const { scheduler, sqs, queue } = this.opts;
    if (!scheduler.virtual || this.closed) return;
    const timer = scheduler.setTimeout(() => {
      this.redeliveries.delete(timer);
      const done = scheduler.beginWork();
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }))
        // already deleted or moved: nothing to redeliver
        .catch(() => undefined)
        .then(() => this.wake())
        .finally(done);
    }, queue.visibilityTimeoutSeconds * 1000);
    this.redeliveries.add(timer);
  }
}

/**
 * Lambda's SQS event.
 *
 * @example
 * sqsEvent(messages, 'arn:aws:sqs:us-east-1:000000000000:jobs', 'us-east-1') // { Records: [{ messageId, receiptHandle, body, ... }] }
 */
export function sqsEvent(messages: Message[], queueArn: string, region: string): JsonValue {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: { ...(m.Attributes ?? {}) },
      messageAttributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, {
        ...(v.StringValue === undefined ? {} : { stringValue: v.StringValue }),
        ...(v.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }),
        stringListValues: v.StringListValues ?? [],
        binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
        dataType: v.DataType ?? 'String',
      }])),
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

/** SNS's Lambda event, from the SNS envelopes a hidden subscription queue received. */
export function snsEvent(messages: Message[]): JsonValue {
  return {
    Records: messages.map((m) => {
      const n = JSON.parse(m.Body ?? '{}') as Record<string, JsonValue>;
      return {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${String(n.TopicArn)}:local`,
        Sns: {
          Type: n.Type ?? 'Notification',
          MessageId: n.MessageId ?? m.MessageId!,
          TopicArn: n.TopicArn ?? '',
          Subject: n.Subject ?? null,
          Message: n.Message ?? '',
          Timestamp: n.Timestamp ?? '',
          SignatureVersion: n.SignatureVersion ?? '1',
          Signature: n.Signature ?? '',
          SigningCertUrl: n.SigningCertURL ?? '',
          UnsubscribeUrl: n.UnsubscribeURL ?? '',
          MessageAttributes: n.MessageAttributes ?? {},
        },
      };
    }),
  };
}

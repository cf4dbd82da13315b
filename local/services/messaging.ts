/**
 * The config's queues, topics and subscriptions, created in the local SQS/SNS (fauxqs) at start.
 * Each is created if missing and brought to the config's attributes if present, so a restart on
 * the same data folder finds the same queue URLs and topic ARNs.
 *
 * A queue's dead-letter queue becomes its RedrivePolicy attribute, which fauxqs applies on receive
 * (a message received more than `maxReceiveCount` times moves). An SQS subscription is fauxqs's own
 * (raw delivery and filter policies included); a Lambda subscription, which fauxqs does not deliver,
 * is a hidden queue `longhaul-sns-<topic>-<function>` subscribed with the same filter policy, whose
 * poller (triggers/queue-poller.ts) invokes the function with SNS's event.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { JsonValue } from '../../engine/json.ts';
import type { PolledQueue } from '../triggers/queue-poller.ts';

/** An SQS queue (AWS::SQS::Queue). */
export interface QueueConfig {
  name: string;
  /** a FIFO queue (its name ends in `.fifo`) */
  fifo?: boolean;
  /** default 30, as SQS's */
  visibilityTimeoutSeconds?: number;
  /** the queue a message moves to once received more than `maxReceiveCount` times */
  deadLetter?: { queue: string; maxReceiveCount: number };
}

/** An SNS subscription (AWS::SNS::Subscription) of a configured queue or function to a configured topic. */
export interface SubscriptionConfig {
  topic: string;
  protocol: 'sqs' | 'lambda';
  /** a queue's name (sqs) or a function's (lambda) */
  endpoint: string;
  rawMessageDelivery?: boolean;
  filterPolicy?: JsonValue;
}

/** A Lambda subscription's hidden queue and the function it feeds. */
export interface LambdaSubscription {
  function: string;
  queue: PolledQueue;
}

export interface Messaging {
  /** queue name → URL */
  queues: Record<string, string>;
  /** queue name → what a poller needs */
  polled: Record<string, PolledQueue>;
  /** topic name → ARN */
  topics: Record<string, string>;
  lambdaSubscriptions: LambdaSubscription[];
}

/**
 * Creates the queues (dead-letter queues first), topics and subscriptions.
 *
 * @example
 * const m = await createMessaging({ sqs, sns, queues: ['jobs', { name: 'work', deadLetter: { queue: 'jobs', maxReceiveCount: 3 } }], topics: [], subscriptions: [] });
 */
export async function createMessaging(opts: {
  sqs: SQSClient;
  sns: SNSClient;
  queues: readonly (string | QueueConfig)[];
  topics: readonly string[];
  subscriptions: readonly SubscriptionConfig[];
  functions: readonly string[];
}): Promise<Messaging> {
  const configs = opts.queues.map((q) => (typeof q === 'string' ? { name: q } : q));
  const byName = new Map(configs.map((q) => [q.name, q]));
  for (const q of configs) {
    if (q.deadLetter && !byName.has(q.deadLetter.queue)) throw new Error(`queue ${q.name} names the dead-letter queue ${q.deadLetter.queue}, which the config does not create`);
  }
  const m: Messaging = { queues: {}, polled: {}, topics: {}, lambdaSubscriptions: [] };
  // a redrive policy names its dead-letter queue's ARN: those queues exist first
  const ordered = [...configs.filter((q) => !q.deadLetter), ...configs.filter((q) => q.deadLetter)];
  for (const q of ordered) {
    const attributes: Record<string, string> = { VisibilityTimeout: String(q.visibilityTimeoutSeconds ?? 30) };
    if (q.deadLetter) {
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: m.polled[q.deadLetter.queue].arn, maxReceiveCount: q.deadLetter.maxReceiveCount });
    }
    m.polled[q.name] = await putQueue(opts.sqs, q.name, q.fifo ?? q.name.endsWith('.fifo'), attributes);
    m.queues[q.name] = m.polled[q.name].url;
  }
  for (const topic of opts.topics) m.topics[topic] = (await opts.sns.send(new CreateTopicCommand({ Name: topic }))).TopicArn!;
  for (const s of opts.subscriptions) {
    const topicArn = m.topics[s.topic];
    if (!topicArn) throw new Error(`a subscription names the topic ${s.topic}, which the config does not create`);
    const attributes: Record<string, string> = {};
    if (s.filterPolicy !== undefined) attributes.FilterPolicy = JSON.stringify(s.filterPolicy);
    if (s.protocol === 'sqs') {
      const queue = m.polled[s.endpoint];
      if (!queue) throw new Error(`a subscription of ${s.topic} names the queue ${s.endpoint}, which the config does not create`);
      if (s.rawMessageDelivery) attributes.RawMessageDelivery = 'true';
      await opts.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: attributes }));
    } else {
      if (!opts.functions.includes(s.endpoint)) throw new Error(`a subscription of ${s.topic} names the function ${s.endpoint}, which the config does not define`);
      // the function gets SNS's envelope whatever rawMessageDelivery says, as Lambda subscriptions do
      const queue = await putQueue(opts.sqs, hiddenQueueName(s.topic, s.endpoint), false, { VisibilityTimeout: '30' });
      await opts.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: attributes }));
      m.lambdaSubscriptions.push({ function: s.endpoint, queue });
    }
  }
  return m;
}

async function putQueue(sqs: SQSClient, name: string, fifo: boolean, attributes: Record<string, string>): Promise<PolledQueue> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : undefined }))).QueueUrl!;
  // set apart from the creation: a restart with changed attributes updates the queue instead of failing
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn, visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout) };
}

/** SQS names: 80 characters of letters, digits, `-` and `_`. */
function hiddenQueueName(topic: string, fn: string): string {
  return `longhaul-sns-${topic}-${fn}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}

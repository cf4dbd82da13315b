/**
 * The optimized `sns:publish` and `sqs:sendMessage` integrations: really delivered to the local
 * services, recorded in the outbox, answered and failed as Step Functions answers and fails.
 */
import { describe, it, expect } from '@jest/globals';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { detailsOf, eventsOf } from '../../../support/engine-env.ts';
import { causeOf, localEngines, localServices, uniqueName } from '../local-env.ts';

const local = localServices();
const localEngine = localEngines(local);

function task(resource: string, parameters: object, extra: object = {}): object {
  const states: Record<string, object> = { Send: { Type: 'Task', Resource: `arn:aws:states:::${resource}`, Parameters: parameters, End: true, ...extra } };
  if ('Catch' in extra) states.Caught = { Type: 'Pass', End: true };
  return { StartAt: 'Send', States: states };
}
const catchAll = { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] };

async function queue(): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await local().sqs.send(new CreateQueueCommand({ QueueName: uniqueName('q') }));
  const attrs = await local().sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
}

async function receive(url: string): Promise<string[]> {
  const r = await local().sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  return (r.Messages ?? []).map((m) => m.Body!);
}

describe('sns:publish', () => {
  it('publishes to the topic, which delivers to its SQS subscribers, and answers MessageId with the SDK metadata', async () => {
    // Prepare
    const env = localEngine();
    const { TopicArn } = await local().sns.send(new CreateTopicCommand({ Name: uniqueName('t') }));
    const q = await queue();
    await local().sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }));

    // Act
    const { outcome, history } = await env.run(task('sns:publish', { TopicArn, Message: { report: 'q3' }, Subject: 'done' }));

    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { MessageId: expect.any(String), SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: expect.any(String) } },
    });
    expect(await receive(q.url)).toEqual(['{"report":"q3"}']);
    expect(env.outbox.list()).toMatchObject([{ channel: 'sns', message: { TopicArn, Message: '{"report":"q3"}', Subject: 'done' } }]);
    expect(detailsOf(eventsOf(history, 'TaskSucceeded')[0])).toMatchObject({ resourceType: 'sns', resource: 'publish' });
  });

  it('hands the task token to the message with .waitForTaskToken and waits for it to come back', async () => {
    // Prepare
    const env = localEngine();
    const { TopicArn } = await local().sns.send(new CreateTopicCommand({ Name: uniqueName('t') }));
    const executionArn = env.start(task('sns:publish.waitForTaskToken', { TopicArn, Message: { 'token.$': '$$.Task.Token' } }));
    await env.idle();

    // Act
    const [sent] = env.outbox.list({ channel: 'sns' });
    const token = (JSON.parse(sent.message.Message as string) as { token: string }).token;
    env.engine.sendTaskSuccess(token, '{"approved":true}');
    const { outcome } = await env.finish(executionArn);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { approved: true } });
  });

  it('fails for a missing topic with SNS.NotFoundException and the Java SDK 1 cause', async () => {
    const env = localEngine();

    const { outcome } = await env.run(task('sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:never-created', Message: 'x' }, catchAll));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'SNS.NotFoundException' } });
    expect(causeOf(outcome)).toMatch(/\(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: \w+; Proxy: null\)$/);
  });
});

describe('sqs:sendMessage', () => {
  it('sends the message to the queue and answers MD5OfMessageBody and MessageId', async () => {
    const env = localEngine();
    const q = await queue();

    const { outcome } = await env.run(task('sqs:sendMessage', { QueueUrl: q.url, MessageBody: 'hello', MessageGroupIdIgnored: 'x' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { MD5OfMessageBody: '5d41402abc4b2a76b9719d911017c592', MessageId: expect.any(String) } });
    expect(await receive(q.url)).toEqual(['hello']);
    expect(env.outbox.list({ channel: 'sqs' })[0].message).toEqual({ QueueUrl: q.url, MessageBody: 'hello' });
  });

  it('fails for a missing queue with SQS.AmazonSQSException naming the wire error code', async () => {
    const env = localEngine();

    const { outcome } = await env.run(task('sqs:sendMessage', { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/never-created', MessageBody: 'x' }, catchAll));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'SQS.AmazonSQSException' } });
    expect(causeOf(outcome)).toMatch(/Error Code: AWS\.SimpleQueueService\.NonExistentQueue;/);
  });
});

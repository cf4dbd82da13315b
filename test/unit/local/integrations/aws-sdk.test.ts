/**
 * `aws-sdk:s3:*`, `aws-sdk:sqs:*`, `aws-sdk:sns:*` run through the real SDK clients against the
 * local services: the API's PascalCase fields in, the API's answer out, AWS's error names.
 */
import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { detailsOf, eventsOf } from '../../../support/engine-env.ts';
import { causeOf, localEngines, localServices, outputOf, uniqueName } from '../local-env.ts';

const local = localServices();
const localEngine = localEngines(local);

function task(resource: string, parameters: object, extra: object = {}): object {
  return { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: `arn:aws:states:::aws-sdk:${resource}`, Parameters: parameters, End: true, ...extra } } };
}

/** Catches every error into `{Error, Cause}` output. */
const catchAll = { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] };
function caught(resource: string, parameters: object): object {
  const def = task(resource, parameters, catchAll) as { States: Record<string, object> };
  def.States.Caught = { Type: 'Pass', End: true };
  return def;
}

describe('aws-sdk:s3', () => {
  it('puts an object and gets it back with its Body as text and the API fields in PascalCase', async () => {
    // Prepare
    const env = localEngine();
    const bucket = uniqueName('sdk');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));

    // Act
    const put = await env.run(task('s3:putObject', { Bucket: bucket, Key: 'report.json', Body: { rows: 3 } }));
    const got = await env.run(task('s3:getObject', { Bucket: bucket, Key: 'report.json' }));

    // Assess
    const etag = `"${createHash('md5').update('{"rows":3}').digest('hex')}"`;
    expect(put.outcome).toMatchObject({ status: 'SUCCEEDED', output: { ETag: etag } });
    expect(got.outcome).toMatchObject({ status: 'SUCCEEDED', output: { Body: '{"rows":3}', ContentLength: 10, ETag: etag } });
    const output = outputOf(got.outcome);
    expect(output.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(output).not.toHaveProperty('$metadata');
  });

  it('shows the task in history as resourceType aws-sdk:s3 and resource listObjectsV2', async () => {
    const env = localEngine();
    const bucket = uniqueName('sdk');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await local().s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/a.csv', Body: 'a' }));

    const { outcome, history } = await env.run(task('s3:listObjectsV2', { Bucket: bucket, Prefix: 'in/' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { KeyCount: 1, Contents: [{ Key: 'in/a.csv', Size: 1 }] } });
    expect(detailsOf(eventsOf(history, 'TaskScheduled')[0])).toMatchObject({ resourceType: 'aws-sdk:s3', resource: 'listObjectsV2' });
  });

  it.each([
    ['getObject', 'S3.NoSuchKeyException', { Key: 'absent.txt' }, /^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: \w+, Extended Request ID: \w+\)$/],
    ['headObject', 'S3.NoSuchKeyException', { Key: 'absent.txt' }, /\(Service: S3, Status Code: 404, /],
    ['getObject', 'S3.NoSuchBucketException', { Bucket: 'no-such-bucket-anywhere', Key: 'a' }, /\(Service: S3, Status Code: 404, /],
  ])('fails %s of a missing object or bucket with %s, the Java SDK exception name', async (action, error, params, cause) => {
    const env = localEngine();
    const bucket = uniqueName('sdk');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));

    const { outcome } = await env.run(caught(`s3:${action}`, { Bucket: bucket, ...params }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: error } });
    expect(causeOf(outcome)).toMatch(cause);
  });
});

describe('aws-sdk:sqs', () => {
  it('sends a message given as JSON as its text, answering Md5OfMessageBody as the Java SDK spells it', async () => {
    // Prepare
    const env = localEngine();
    const { QueueUrl } = await local().sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sdk') }));

    // Act
    const { outcome } = await env.run(task('sqs:sendMessage', { QueueUrl, MessageBody: { orderId: 7 } }));

    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Md5OfMessageBody: expect.stringMatching(/^[0-9a-f]{32}$/), MessageId: expect.any(String) } });
    const received = await local().sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['{"orderId":7}']);
    expect(env.outbox.list({ channel: 'sqs' }).map((e) => e.message.MessageBody)).toEqual(['{"orderId":7}']);
  });

  it('fails for a missing queue with Sqs.QueueDoesNotExistException', async () => {
    const env = localEngine();

    const { outcome } = await env.run(caught('sqs:getQueueUrl', { QueueName: 'never-created' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Sqs.QueueDoesNotExistException' } });
    expect(causeOf(outcome)).toMatch(/^The specified queue does not exist\. \(Service: Sqs, Status Code: 400, Request ID: \w+\)$/);
  });
});

describe('aws-sdk:sns', () => {
  it('publishes to a topic named by an ARN in any account, and records the message in the outbox', async () => {
    // Prepare
    const env = localEngine();
    const name = uniqueName('sdk');
    await local().sns.send(new CreateTopicCommand({ Name: name }));

    // Act
    const { outcome } = await env.run(task('sns:publish', { TopicArn: `arn:aws:sns:us-east-1:123456789012:${name}`, Message: 'ready' }));

    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { MessageId: expect.any(String) } });
    expect(env.outbox.list({ channel: 'sns' })).toMatchObject([{ message: { Message: 'ready' }, stateName: 'Call' }]);
  });

  it('fails for a missing topic with Sns.NotFoundException', async () => {
    const env = localEngine();

    const { outcome } = await env.run(caught('sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:000000000000:never-created', Message: 'x' }));

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Sns.NotFoundException' } });
  });
});

/**
 * The local S3/SQS/SNS port answers only this machine's own clients: a web page (a DNS-rebinding
 * Host, another site's Origin) is refused in the shape of the service it asked, an HTML form
 * posted to a bucket without a policy and signature stores nothing, and bodies over the limit are
 * refused from their length without being read.
 */
import { describe, it, expect } from '@jest/globals';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { rawRequest, type RawRequest } from '../../../support/raw-http.ts';
import type { ObjectCreated } from '../../../../local/services/local-services.ts';
import { PRESIGNED_FIELDS, formPost, localServices, uniqueName } from '../local-env.ts';

const local = localServices();

async function objectExists(bucket: string, key: string): Promise<boolean> {
  try {
    await local().s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

describe('the local AWS services port', () => {
  it.each<[string, Record<string, string>]>([
    ['a DNS-rebinding Host', { host: 'rebind.attacker.example' }],
    ['another site\'s Origin', { origin: 'https://attacker.example' }],
    ['an opaque Origin', { origin: 'null' }],
  ])('refuses S3, SQS and SNS requests with %s, each in its service\'s shape', async (_case, headers) => {
    // Prepare
    const { endpoint } = local().services;
    const bucket = uniqueName('guarded');

    // Act
    const s3 = await rawRequest(endpoint, { method: 'PUT', path: `/${bucket}`, headers });
    const sqs = await rawRequest(endpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue', ...headers },
      body: JSON.stringify({ QueueName: bucket }),
    });
    const sns = await rawRequest(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `Action=CreateTopic&Name=${bucket}` });

    // Assess
    expect([s3.status, sqs.status, sns.status]).toEqual([403, 403, 403]);
    expect(s3.body).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(JSON.parse(sqs.body)).toMatchObject({ __type: 'com.amazonaws.sqs#AccessDenied' });
    expect(sns.body).toMatch(/<Code>AuthorizationError<\/Code>/);
    const buckets = await local().s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch((e: Error) => e.name);
    expect(buckets).toBe('NoSuchBucket');
    expect((await local().sqs.send(new ListQueuesCommand({ QueueNamePrefix: bucket }))).QueueUrls ?? []).toEqual([]);
  });

  it('serves the SDK\'s virtual-hosted S3 addresses (<bucket>.localhost) and its path-style ones', async () => {
    // Prepare
    const bucket = uniqueName('vhost');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));

    // Act
    const answer = await rawRequest(local().services.endpoint, { method: 'PUT', path: '/hello.txt', headers: { host: `${bucket}.localhost:${local().services.port}` }, body: 'hi' });

    // Assess
    expect(answer.status).toBe(200);
    const read = await local().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    expect(await read.Body!.transformToString()).toBe('hi');
  });

  it('refuses a form posted to a bucket without a policy and signature, and stores nothing', async () => {
    // Prepare
    const bucket = uniqueName('form');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const seen: ObjectCreated[] = [];
    const stop = local().services.onObjectCreated((e) => seen.push(e));

    // Act
    const answer = await rawRequest(local().services.endpoint, formPost(bucket, 'incoming/report.csv', 'a,b\n1,2\n'));
    stop();

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(await objectExists(bucket, 'incoming/report.csv')).toBe(false);
    expect(seen).toEqual([]);
  });

  it('takes a presigned POST (a form with a policy and signature) from a client with no Origin', async () => {
    // Prepare
    const bucket = uniqueName('presigned');
    await local().s3.send(new CreateBucketCommand({ Bucket: bucket }));

    // Act
    const answer = await rawRequest(local().services.endpoint, formPost(bucket, 'incoming/report.csv', 'a,b\n1,2\n', PRESIGNED_FIELDS));

    // Assess
    expect(answer.status).toBe(204);
    expect(await objectExists(bucket, 'incoming/report.csv')).toBe(true);
  });

  it.each<[string, string, RawRequest]>([
    ['an S3 PutObject', 'EntityTooLarge', { method: 'PUT', path: '/any-bucket/huge.bin', declaredLength: 6 * 1024 ** 3 }],
    ['an SQS request', 'RequestEntityTooLarge', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' }, declaredLength: 100 * 1024 * 1024 }],
  ])('refuses %s whose Content-Length is over the limit before any of it is sent, and closes the connection', async (_case, code, request) => {
    // Act
    const answer = await rawRequest(local().services.endpoint, { ...request, awaitClose: true });

    // Assess
    expect({ sent: answer.sentBytes, closed: answer.closed }).toEqual({ sent: 0, closed: true });
    expect(answer.body).toContain(code);
  });

  it('refuses a streamed SQS body as soon as it passes the limit, before the client finished sending, and closes the connection', async () => {
    // Act: a chunked body that would go on to 256 MiB, and never ends
    const answer = await rawRequest(local().services.endpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      stream: { chunkBytes: 64 * 1024, maxBytes: 256 * 1024 * 1024 }, awaitClose: true,
    });

    // Assess
    expect({ status: answer.status, closed: answer.closed }).toEqual({ status: 413, closed: true });
    expect(answer.sentBytes).toBeLessThan(256 * 1024 * 1024);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'com.amazonaws.sqs#RequestEntityTooLarge' });
  });

  it('still serves the SDK with no Origin and a loopback Host', async () => {
    // Act
    const { QueueUrl } = await local().sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sdk') }));

    // Assess
    expect(QueueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/000000000000\//);
  });
});

/**
 * The local services: fauxqs on 127.0.0.1, durable under a data folder, announcing created
 * objects.
 */
import { describe, it, expect } from '@jest/globals';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Upload } from '@aws-sdk/lib-storage';
import { startLocalServices, type ObjectCreated } from '../../../../local/services/local-services.ts';
import { LocalClients } from '../../../../local/services/clients.ts';
import { localServices, tempDirs, uniqueName } from '../local-env.ts';

const local = localServices();
const tempDir = tempDirs();

describe('startLocalServices', () => {
  it('serves S3, SQS and SNS on one 127.0.0.1 endpoint with a port of its own', () => {
    expect(local().services.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local().services.port).toBeGreaterThan(0);
  });

  it('keeps buckets, objects and queued messages across a restart on the same data folder', async () => {
    // Prepare
    const dataDir = tempDir();
    const first = await startLocalServices({ dataDir });
    let clients = new LocalClients(first.endpoint);
    await clients.s3('us-east-1').send(new CreateBucketCommand({ Bucket: 'kept' }));
    await clients.s3('us-east-1').send(new PutObjectCommand({ Bucket: 'kept', Key: 'a.txt', Body: 'still here' }));
    const { QueueUrl } = await clients.sqs('us-east-1').send(new CreateQueueCommand({ QueueName: 'kept' }));
    await clients.sqs('us-east-1').send(new SendMessageCommand({ QueueUrl, MessageBody: 'queued' }));
    clients.destroy();

    // Act
    await first.stop();
    const second = await startLocalServices({ dataDir });
    clients = new LocalClients(second.endpoint);

    // Assess
    try {
      const obj = await clients.s3('us-east-1').send(new GetObjectCommand({ Bucket: 'kept', Key: 'a.txt' }));
      expect(await obj.Body!.transformToString()).toBe('still here');
      const msgs = await clients.sqs('us-east-1').send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(msgs.Messages?.map((m) => m.Body)).toEqual(['queued']);
    } finally {
      clients.destroy();
      await second.stop();
    }
  });

  it('announces each created object once, with its size, ETag and how it was created', async () => {
    // Prepare
    const { services, s3 } = local();
    const bucket = uniqueName('announced');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const seen: ObjectCreated[] = [];
    const stop = services.onObjectCreated((e) => seen.push(e));

    // Act
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put.txt', Body: 'hello' }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy.txt', CopySource: `${bucket}/put.txt` }));
    await new Upload({ client: s3, params: { Bucket: bucket, Key: 'big.bin', Body: Buffer.alloc(6 * 1024 * 1024, 7) } }).done();
    stop();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after.txt', Body: 'unseen' }));

    // Assess
    expect(seen.map((e) => [e.key, e.size, e.reason])).toEqual([
      ['put.txt', 5, 'PutObject'],
      ['copy.txt', 5, 'CopyObject'],
      ['big.bin', 6 * 1024 * 1024, 'CompleteMultipartUpload'],
    ]);
    expect(seen[0].etag).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(seen[2].etag).toMatch(/^[0-9a-f]{32}-2$/);
    expect(seen[1].sequencer > seen[0].sequencer).toBe(true);
    expect(seen[0].requestId).toMatch(/^[0-9A-F]{16}$/);
  });
});

/**
 * The local stack's triggers, whole: an object uploaded to the local S3 starts the execution its
 * rule names, with S3's EventBridge "Object Created" event as input; schedules fire on the
 * engine's clock, so a virtual clock runs hours of them in milliseconds.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { START_MS, testEngines } from '../../support/engine-env.ts';
import { startLocalServices, type LocalServices } from '../../../local/services/local-services.ts';
import { LocalClients } from '../../../local/services/clients.ts';
import { EventRules, type RuleExecution } from '../../../local/triggers/rules.ts';

const testEngine = testEngines();
let services: LocalServices;
let clients: LocalClients;
const open: EventRules[] = [];

beforeAll(async () => {
  services = await startLocalServices({});
  clients = new LocalClients(services.endpoint);
});
afterAll(async () => {
  clients.destroy();
  await services.stop();
});
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

/** A state machine that outputs its input, and the rules of a fresh engine. */
function stack() {
  const env = testEngine();
  const rules = new EventRules({ engine: env.engine });
  open.push(rules);
  const started: RuleExecution[] = [];
  rules.onExecution((e) => started.push(e));
  const machine = env.create({ StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } });
  return { env, rules, started, machine };
}

describe('S3 Object Created rules', () => {
  it('starts the rule\'s execution with the EventBridge-shaped event when an object is uploaded', async () => {
    // Prepare
    const { env, rules, started, machine } = stack();
    const s3 = clients.s3('us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-inbox' }));
    rules.put({
      name: 'reports-in',
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['e2e-inbox'] }, object: { key: [{ prefix: 'reports/' }] } } },
      stateMachineArn: machine,
    });
    const disconnect = rules.connectS3(services);

    // Act: the rule has started its execution by the time S3 answers the upload
    await s3.send(new PutObjectCommand({ Bucket: 'e2e-inbox', Key: 'reports/q3.csv', Body: 'a,b\n1,2\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'e2e-inbox', Key: 'other/ignored.csv', Body: 'x' }));
    const { outcome } = await env.finish(started[0].executionArn);
    disconnect();

    // Assess
    expect(started).toHaveLength(1);
    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: '123456789012',
        time: '2024-01-01T00:00:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:s3:::e2e-inbox'],
        detail: {
          version: '0',
          bucket: { name: 'e2e-inbox' },
          object: { key: 'reports/q3.csv', size: 8, etag: createHash('md5').update('a,b\n1,2\n').digest('hex'), sequencer: expect.stringMatching(/^[0-9A-F]{18}$/) },
          'request-id': expect.stringMatching(/^[0-9A-F]{16}$/),
          requester: '123456789012',
          'source-ip-address': '127.0.0.1',
          reason: 'PutObject',
        },
      },
    });
  });

  it('names a multipart upload\'s reason CompleteMultipartUpload', async () => {
    const { env, rules, started, machine } = stack();
    const s3 = clients.s3('us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-big' }));
    rules.put({ name: 'big', eventPattern: { detail: { bucket: { name: ['e2e-big'] } } }, stateMachineArn: machine });
    const disconnect = rules.connectS3(services);

    await new Upload({ client: s3, params: { Bucket: 'e2e-big', Key: 'dump.bin', Body: Buffer.alloc(11 * 1024 * 1024, 1) } }).done();
    const { outcome } = await env.finish(started[0].executionArn);
    disconnect();

    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { detail: { reason: 'CompleteMultipartUpload', object: { size: 11 * 1024 * 1024, etag: expect.stringMatching(/-3$/) } } } });
  });
});

describe('schedules on a virtual clock', () => {
  it('fires a rate(1 hour) rule three times over three virtual hours, in milliseconds of real time', async () => {
    // Prepare
    const { env, rules, started, machine } = stack();
    const realStart = performance.now();
    rules.put({ name: 'hourly', scheduleExpression: 'rate(1 hour)', stateMachineArn: machine });

    // Act
    await env.sleep(3 * 3600);
    rules.close();
    const outcomes = await Promise.all(started.map((s) => env.engine.waitFor(s.executionArn)));

    // Assess
    expect(started.map((s) => s.event.time)).toEqual(['2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z', '2024-01-01T03:00:00Z']);
    expect(outcomes[0]).toEqual({
      status: 'SUCCEEDED',
      output: {
        version: '0', id: expect.any(String), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012',
        time: '2024-01-01T01:00:00Z', region: 'us-east-1', resources: ['arn:aws:events:us-east-1:123456789012:rule/hourly'], detail: {},
      },
    });
    expect(started.map((s) => s.executionArn.split(':').at(-1))).toEqual([
      `hourly-${START_MS + 3_600_000}`, `hourly-${START_MS + 7_200_000}`, `hourly-${START_MS + 10_800_000}`,
    ]);
    expect(performance.now() - realStart).toBeLessThan(2000);
  });

  it('fires a cron(0 12 * * ? *) rule at noon UTC each virtual day', async () => {
    const { env, rules, started, machine } = stack();
    rules.put({ name: 'noon', scheduleExpression: 'cron(0 12 * * ? *)', stateMachineArn: machine });

    await env.sleep(3 * 86400);
    rules.close();

    expect(started.map((s) => s.event.time)).toEqual(['2024-01-01T12:00:00Z', '2024-01-02T12:00:00Z', '2024-01-03T12:00:00Z']);
  });
});

/**
 * The handlers with effects outside (notify's e-mail, the BI upload and job, process-batch's
 * receive-and-delete) through their Middy wiring, with Powertools' idempotency layer on a real
 * DynamoDB table (the local stack's dynalite, in memory): a second call with the same key answers
 * the first result without the effect.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler as notifyHandler } from '../../../handlers/notify/index.ts';
import { handler as processBatchHandler } from '../../../handlers/process-batch/index.ts';
import { HandlerErrorName } from '../../../handlers/shared/errors.ts';
import { IDEMPOTENCY_TABLE_ENV } from '../../../handlers/shared/idempotency.ts';
import { handler as startEtlJobHandler } from '../../../handlers/start-etl-job/index.ts';
import { handler as uploadReportHandler } from '../../../handlers/upload-report/index.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../../local/services/dynamodb.ts';
import { type BiFake, captureLogs, lambdaContext, startBiFake } from './support/bi-fake.ts';

const TABLE = 'idempotency';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/work';
const CALLBACKS = 'https://callbacks.example.com';
const sesMock = mockClient(SESv2Client);
const sqsMock = mockClient(SQSClient);

let ddb: LocalDynamoDb;
let bi: BiFake;
const saved = { ...process.env };

beforeAll(async () => {
  ddb = await startLocalDynamoDb();
  await ddb.createTables([{ name: TABLE, partitionKey: { name: 'id', type: 'S' } }]);
  bi = await startBiFake();
  Object.assign(process.env, {
    [IDEMPOTENCY_TABLE_ENV]: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    EMAIL_FROM: 'etl@example.com',
    EMAIL_TO: 'ops@example.com',
    BI_API_URL: bi.url,
    BI_API_KEY: 'key',
  });
});

afterAll(async () => {
  process.env = saved;
  await bi.close();
  await ddb.stop();
});

afterEach(() => {
  sesMock.reset();
  sqsMock.reset();
});

/** Calls a Middy handler as Lambda would, its logs kept out of the test output. */
async function invoke(handler: (event: any, context: any) => Promise<unknown>, event: unknown): Promise<unknown> {
  return (await captureLogs(() => handler(event, lambdaContext()))).result;
}

let messageIds = 0;
function answerEmails(): void {
  sesMock.on(SendEmailCommand).callsFake(async () => ({ MessageId: `msg-${++messageIds}` }));
}

let received = 0;
function answerBatches(): void {
  sqsMock.on(ReceiveMessageCommand).callsFake(async (input: { MaxNumberOfMessages?: number }) => ({
    Messages: Array.from({ length: input.MaxNumberOfMessages ?? 1 }, () => ({ MessageId: `m-${++received}`, ReceiptHandle: `rh-${received}`, Body: '{}' })),
  }));
  sqsMock.on(DeleteMessageBatchCommand).resolves({});
}

/** Each handler, its event for a key, and how many times its effect happened so far. */
const cases = [
  {
    name: 'notify',
    handler: notifyHandler,
    prepare: answerEmails,
    event: (key: string) => ({ outcome: 'SUCCEEDED', report: { bucket: 'reports', key: 'q3.csv' }, idempotencyKey: key }),
    effects: () => sesMock.commandCalls(SendEmailCommand).length,
  },
  {
    name: 'upload-report',
    handler: uploadReportHandler,
    prepare: () => {},
    event: (key: string) => ({ bucket: 'reports', key: 'q3.csv', taskToken: 'token', callbackBaseUrl: CALLBACKS, idempotencyKey: key }),
    effects: () => bi.requests.filter((r) => r.method === 'POST' && r.path === '/uploads').length,
  },
  {
    name: 'start-etl-job',
    handler: startEtlJobHandler,
    prepare: () => {},
    event: (key: string) => ({ uploadId: 'up-1', idempotencyKey: key }),
    effects: () => bi.requests.filter((r) => r.method === 'POST' && r.path === '/jobs').length,
  },
  {
    name: 'process-batch',
    handler: processBatchHandler,
    prepare: answerBatches,
    event: (key: string) => ({ queueUrl: QUEUE, maxMessages: 2, waitTimeSeconds: 0, idempotencyKey: key }),
    effects: () => sqsMock.commandCalls(ReceiveMessageCommand).length,
  },
];

describe('the handlers with effects, called twice with one idempotency key', () => {
  beforeAll(async () => {
    // start-etl-job needs an upload the BI fake knows
    await invoke(uploadReportHandler, cases[1].event('setup/UploadReport'));
  });

  it.each(cases)('$name answers the first result again without a second effect', async ({ name, handler, prepare, event, effects }) => {
    // Prepare
    prepare();
    const before = effects();
    // Act
    const first = await invoke(handler, event(`exec-dup-${name}/State`));
    const second = await invoke(handler, event(`exec-dup-${name}/State`));
    // Assess
    expect(second).toEqual(first);
    expect(effects() - before).toBe(1);
  });

  it.each(cases)('$name makes its effect again for another key', async ({ name, handler, prepare, event, effects }) => {
    // Prepare
    prepare();
    const before = effects();
    // Act
    await invoke(handler, event(`exec-a-${name}/State`));
    await invoke(handler, event(`exec-b-${name}/State`));
    // Assess
    expect(effects() - before).toBe(2);
  });
});

describe('the idempotency layer', () => {
  it('keeps no record of a failed call, so its retry makes the effect', async () => {
    // Prepare
    sesMock.on(SendEmailCommand).rejectsOnce(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' })).resolves({ MessageId: 'msg-retried' });
    const event = cases[0].event('exec-retry/NotifySucceeded');
    // Act
    await expect(invoke(notifyHandler, event)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    const retried = await invoke(notifyHandler, event);
    // Assess
    expect(retried).toEqual({ messageId: 'msg-retried' });
    expect(sesMock).toHaveReceivedCommandTimes(SendEmailCommand, 2);
  });

  it('refuses an event without an idempotency key rather than run it unprotected', async () => {
    // Prepare
    answerEmails();
    // Act
    const call = invoke(notifyHandler, { outcome: 'SUCCEEDED', report: 'q3' });
    // Assess
    await expect(call).rejects.toMatchObject({ name: HandlerErrorName.InvalidInput, message: 'idempotencyKey must be a non-empty string' });
    expect(sesMock).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });

  it('names a missing table variable Handler.Configuration', async () => {
    // Prepare
    answerEmails();
    delete process.env[IDEMPOTENCY_TABLE_ENV];
    try {
      // Act
      const call = invoke(notifyHandler, cases[0].event('exec-no-table/NotifySucceeded'));
      // Assess
      await expect(call).rejects.toMatchObject({ name: HandlerErrorName.Configuration });
      expect(sesMock).toHaveReceivedCommandTimes(SendEmailCommand, 0);
    } finally {
      process.env[IDEMPOTENCY_TABLE_ENV] = TABLE;
    }
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler } from '../../../handlers/process-batch/index.ts';
import { parseJsonProcessor, processBatch } from '../../../handlers/process-batch/process-batch.ts';
import { parseProcessBatchInput } from '../../../handlers/process-batch/schema.ts';
import { HandlerErrorName } from '../../../handlers/shared/errors.ts';
import { captureLogs, lambdaContext } from './support/bi-fake.ts';
import { IDEMPOTENCY_DISABLED_ENV } from '../../../handlers/shared/idempotency.ts';

// These tests are about each handler's own work; idempotency.test.ts runs the idempotency layer
// against a real (local) DynamoDB table.
beforeAll(() => {
  process.env[IDEMPOTENCY_DISABLED_ENV] = 'true';
});
afterAll(() => {
  delete process.env[IDEMPOTENCY_DISABLED_ENV];
});

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/work';
const sqsMock = mockClient(SQSClient);

afterEach(() => {
  sqsMock.reset();
});

function messages(bodies: string[], from = 0) {
  return bodies.map((body, i) => ({ MessageId: `m-${from + i}`, ReceiptHandle: `rh-${from + i}`, Body: body }));
}

describe('process-batch', () => {
  it('receives in pages of up to 10, processes each message and deletes the processed ones', async () => {
    sqsMock.on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages(Array.from({ length: 10 }, (_, i) => JSON.stringify({ n: i }))) })
      .resolvesOnce({ Messages: messages(['{"n":10}', '{"n":11}'], 10) });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const seen: string[] = [];

    const result = await processBatch({ queueUrl: QUEUE, maxMessages: 12 }, { sqs: new SQSClient({}), processor: (m) => void seen.push(m.messageId) });

    expect(result).toEqual({ received: 12, processed: 12, failed: 0, drained: false, undeleted: 0 });
    expect(seen).toHaveLength(12);
    expect(sqsMock).toHaveReceivedNthSpecificCommandWith(1, ReceiveMessageCommand, { QueueUrl: QUEUE, MaxNumberOfMessages: 10 });
    expect(sqsMock).toHaveReceivedNthSpecificCommandWith(2, ReceiveMessageCommand, { QueueUrl: QUEUE, MaxNumberOfMessages: 2 });
    expect(sqsMock).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 2);
    expect(sqsMock).toHaveReceivedNthSpecificCommandWith(2, DeleteMessageBatchCommand, { Entries: [{ Id: '0', ReceiptHandle: 'rh-10' }, { Id: '1', ReceiptHandle: 'rh-11' }] });
  });

  it('stops early and says drained when the queue comes back empty', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages(['{}']) }).resolves({});
    sqsMock.on(DeleteMessageBatchCommand).resolves({});

    const result = await processBatch({ queueUrl: QUEUE, maxMessages: 100 }, { sqs: new SQSClient({}), processor: parseJsonProcessor });

    expect(result).toEqual({ received: 1, processed: 1, failed: 0, drained: true, undeleted: 0 });
    expect(sqsMock).toHaveReceivedCommandTimes(ReceiveMessageCommand, 2);
  });

  it('deletes the good messages of a batch with a poison message, then fails it as QueueDrain.BatchFailed', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages(['{"ok":1}', 'not json', '{"ok":2}']) });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});

    await expect(processBatch({ queueUrl: QUEUE, maxMessages: 3 }, { sqs: new SQSClient({}), processor: parseJsonProcessor }))
      .rejects.toMatchObject({ name: HandlerErrorName.QueueDrainBatchFailed, message: expect.stringContaining('1 of 3 messages failed') });
    expect(sqsMock).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: QUEUE,
      Entries: [{ Id: '0', ReceiptHandle: 'rh-0' }, { Id: '1', ReceiptHandle: 'rh-2' }],
    });
  });

  it('counts processed messages whose delete SQS refused, which will come back', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages(['{}', '{}']) });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError' }] });

    const result = await processBatch({ queueUrl: QUEUE, maxMessages: 2 }, { sqs: new SQSClient({}), processor: parseJsonProcessor });

    expect(result).toMatchObject({ processed: 2, undeleted: 1 });
  });

  it.each([
    ['no maxMessages', { queueUrl: QUEUE }],
    ['maxMessages 0', { queueUrl: QUEUE, maxMessages: 0 }],
    ['no queueUrl', { maxMessages: 5 }],
    ['a wait over 20 s', { queueUrl: QUEUE, maxMessages: 5, waitTimeSeconds: 21 }],
  ])('rejects %s as Handler.InvalidInput', (_what, event) => {
    expect(() => parseProcessBatchInput(event)).toThrow(expect.objectContaining({ name: HandlerErrorName.InvalidInput }));
  });

  it('runs end to end through Middy with the JSON-counting processor', async () => {
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages(['{"a":1}', '[2]']) }).resolves({ Messages: [] });
    sqsMock.on(DeleteMessageBatchCommand).resolves({});
    const event = { queueUrl: QUEUE, maxMessages: 10, waitTimeSeconds: 0 };

    const { result, logs } = await captureLogs(() => handler(event, lambdaContext()));

    expect(result).toEqual({ received: 2, processed: 2, failed: 0, drained: true, undeleted: 0 });
    expect(sqsMock).toHaveReceivedCommandWith(ReceiveMessageCommand, { WaitTimeSeconds: 0 });
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ event }, { response: result }]);
  });
});

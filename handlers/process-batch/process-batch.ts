/**
 * queue-drain's batch processor: receive up to `maxMessages`, run each through a processor,
 * delete the ones it handled. Delivery is at-least-once (a message whose delete is lost comes
 * back), so a processor must be idempotent for "exactly once in effect".
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { HandlerError, HandlerErrorName } from '../shared/errors.ts';
import type { ProcessBatchInput, ProcessBatchOutput } from './schema.ts';

/** Handles one message; throws for a message it cannot handle (a poison message). */
export type MessageProcessor = (message: { messageId: string; body: string }) => Promise<void> | void;

export interface ProcessBatchDependencies {
  sqs: SQSClient;
  processor: MessageProcessor;
  release?(): void;
}

/** SQS's ceiling for MaxNumberOfMessages and for DeleteMessageBatch entries. */
const SQS_PAGE = 10;

/** The default processor: a message is handled when its body is JSON. */
export function parseJsonProcessor(message: { body: string }): void {
  JSON.parse(message.body);
}

/**
 * @example
 * await processBatch({ queueUrl, maxMessages: 50 }, { sqs, processor: parseJsonProcessor });
 * // { received: 50, processed: 50, failed: 0, drained: false, undeleted: 0 }
 */
export async function processBatch(input: ProcessBatchInput, deps: ProcessBatchDependencies): Promise<ProcessBatchOutput> {
  const result: ProcessBatchOutput = { received: 0, processed: 0, failed: 0, drained: false, undeleted: 0 };
  const failures: string[] = [];
  while (result.received < input.maxMessages) {
    const page = await deps.sqs.send(new ReceiveMessageCommand({
      QueueUrl: input.queueUrl,
      MaxNumberOfMessages: Math.min(SQS_PAGE, input.maxMessages - result.received),
      WaitTimeSeconds: input.waitTimeSeconds ?? 1,
    }));
    const messages = page.Messages ?? [];
    if (messages.length === 0) {
      result.drained = true;
      break;
    }
    result.received += messages.length;
    const outcomes = await Promise.allSettled(messages.map(async (m) => deps.processor({ messageId: m.MessageId ?? '', body: m.Body ?? '' })));
    const handled: Message[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') handled.push(messages[i]);
      else failures.push(`${messages[i].MessageId}: ${(outcome.reason as Error)?.message ?? String(outcome.reason)}`);
    });
    result.processed += handled.length;
    result.failed += messages.length - handled.length;
    result.undeleted += await deleteHandled(deps.sqs, input.queueUrl, handled);
  }
  if (result.failed > 0) {
    // The good messages are deleted above; the poison ones stay for the queue's redrive policy.
    throw new HandlerError(
      HandlerErrorName.QueueDrainBatchFailed,
      `${result.failed} of ${result.received} messages failed (${result.processed} processed and deleted): ${failures.slice(0, 10).join('; ')}`,
    );
  }
  return result;
}

async function deleteHandled(sqs: SQSClient, queueUrl: string, handled: Message[]): Promise<number> {
  if (handled.length === 0) return 0;
  const answer = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: queueUrl,
    Entries: handled.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
  }));
  return answer.Failed?.length ?? 0;
}

/** Dependencies from the environment (the SDK reads region and endpoint itself). */
export function processBatchDependencies(_env: Record<string, string | undefined>, processor: MessageProcessor = parseJsonProcessor): ProcessBatchDependencies {
  const sqs = new SQSClient({});
  return { sqs, processor, release: () => sqs.destroy() };
}

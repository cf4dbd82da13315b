import { asRecord, invalid, requiredString } from '../shared/input.ts';

export interface ProcessBatchInput {
  queueUrl: string;
  /** At most this many messages this call (received in pages of up to 10). */
  maxMessages: number;
  /** Long-poll time for each ReceiveMessage; 1 s unless given, 0 for short polling. */
  waitTimeSeconds?: number;
}

export interface ProcessBatchOutput {
  received: number;
  processed: number;
  failed: number;
  /** True when the last ReceiveMessage came back empty: the queue looked drained. */
  drained: boolean;
  /** Processed messages whose delete SQS refused; they come back and are processed again. */
  undeleted: number;
}

export function parseProcessBatchInput(event: unknown): ProcessBatchInput {
  const e = asRecord(event, 'process-batch input');
  const maxMessages = e.maxMessages;
  if (typeof maxMessages !== 'number' || !Number.isInteger(maxMessages) || maxMessages < 1) throw invalid('maxMessages must be a positive integer');
  const wait = e.waitTimeSeconds;
  if (wait !== undefined && (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > 20)) throw invalid('waitTimeSeconds must be an integer from 0 to 20');
  return { queueUrl: requiredString(e, 'queueUrl'), maxMessages, ...(wait !== undefined ? { waitTimeSeconds: wait } : {}) };
}

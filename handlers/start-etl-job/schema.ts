import { asRecord, optionalString, requiredString } from '../shared/input.ts';

/** What the workflow passes to start the BI service's ETL job for a processed upload. */
export interface StartEtlJobInput {
  uploadId: string;
  /** Execution name + state name: the same key never starts a second job. */
  idempotencyKey: string;
  /** When given, the job's webhooks carry it back (awaitCallback); without it the workflow polls. */
  taskToken?: string;
  callbackBaseUrl?: string;
}

export interface StartEtlJobOutput {
  jobId: string;
}

export function parseStartEtlJobInput(event: unknown): StartEtlJobInput {
  const e = asRecord(event, 'start-etl-job input');
  const taskToken = optionalString(e, 'taskToken');
  const callbackBaseUrl = optionalString(e, 'callbackBaseUrl');
  return {
    uploadId: requiredString(e, 'uploadId'),
    idempotencyKey: requiredString(e, 'idempotencyKey'),
    ...(taskToken !== undefined ? { taskToken, callbackBaseUrl: requiredString(e, 'callbackBaseUrl') } : {}),
    ...(taskToken === undefined && callbackBaseUrl !== undefined ? { callbackBaseUrl } : {}),
  };
}

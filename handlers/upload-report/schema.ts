import { asRecord, requiredString } from '../shared/input.ts';

/** What the workflow passes: the report's location, its task token and where callbacks go. */
export interface UploadReportInput {
  bucket: string;
  key: string;
  taskToken: string;
  callbackBaseUrl: string;
  /** Execution name + state name, so a retried or redriven upload is the same upload. */
  idempotencyKey: string;
}

export interface UploadReportOutput {
  uploadId: string;
}

export function parseUploadReportInput(event: unknown): UploadReportInput {
  const e = asRecord(event, 'upload-report input');
  return {
    bucket: requiredString(e, 'bucket'),
    key: requiredString(e, 'key'),
    taskToken: requiredString(e, 'taskToken'),
    callbackBaseUrl: requiredString(e, 'callbackBaseUrl'),
    idempotencyKey: requiredString(e, 'idempotencyKey'),
  };
}

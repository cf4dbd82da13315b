import { asRecord, requiredString } from '../shared/input.ts';

export interface CheckEtlJobInput {
  jobId: string;
}

/** The job's state as the polling loop's Choice reads it. */
export interface CheckEtlJobOutput {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  progress: number;
  error?: string;
  resultUrl?: string;
}

export function parseCheckEtlJobInput(event: unknown): CheckEtlJobInput {
  return { jobId: requiredString(asRecord(event, 'check-etl-job input'), 'jobId') };
}

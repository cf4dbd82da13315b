import { asRecord, invalid, optionalString } from '../shared/input.ts';

export const NotifyOutcome = {
  Succeeded: 'SUCCEEDED',
  JobFailed: 'JOB_FAILED',
  DeadlinePassed: 'DEADLINE_PASSED',
  UploadFailed: 'UPLOAD_FAILED',
  /** nightly-export: the day's export is in S3 */
  Exported: 'EXPORTED',
} as const;
export type NotifyOutcome = (typeof NotifyOutcome)[keyof typeof NotifyOutcome];

/** The report as the workflow knows it: its S3 location, or a display name. */
export type ReportRef = string | { bucket: string; key: string; versionId?: string };

export interface NotifyInput {
  outcome: NotifyOutcome;
  report: ReportRef;
  jobId?: string;
  /** The job's or upload's error, for the failure outcomes. */
  error?: string;
  /** What the export holds, for EXPORTED. */
  summary?: string;
}

export interface NotifyOutput {
  messageId: string;
}

export function parseNotifyInput(event: unknown): NotifyInput {
  const e = asRecord(event, 'notify input');
  const outcome = e.outcome;
  if (!Object.values(NotifyOutcome).includes(outcome as NotifyOutcome)) {
    throw invalid(`outcome must be one of ${Object.values(NotifyOutcome).join(', ')}`);
  }
  const report = e.report;
  const isRef = typeof report === 'object' && report !== null && typeof (report as any).bucket === 'string' && typeof (report as any).key === 'string';
  if (!(typeof report === 'string' && report !== '') && !isRef) throw invalid('report must be a name or { bucket, key }');
  const jobId = optionalString(e, 'jobId');
  const summary = optionalString(e, 'summary');
  const error = typeof e.error === 'string' || e.error === undefined || e.error === null ? optionalString(e, 'error') : JSON.stringify(e.error);
  return {
    outcome: outcome as NotifyOutcome,
    report: report as ReportRef,
    ...(jobId !== undefined ? { jobId } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(summary !== undefined ? { summary } : {}),
  };
}

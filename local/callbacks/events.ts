/** The webhook events of docs/bi-service.md, shared by the simulator and the receiver. */

export const WebhookType = {
  UploadProcessed: 'upload.processed',
  UploadFailed: 'upload.failed',
  JobHeartbeat: 'job.heartbeat',
  JobSucceeded: 'job.succeeded',
  JobFailed: 'job.failed',
} as const;
export type WebhookType = (typeof WebhookType)[keyof typeof WebhookType];

export const WEBHOOK_TYPES: readonly WebhookType[] = Object.values(WebhookType);

export function isWebhookType(v: unknown): v is WebhookType {
  return typeof v === 'string' && (WEBHOOK_TYPES as readonly string[]).includes(v);
}

/** A webhook body. */
export interface WebhookEvent {
  id: string;
  type: WebhookType;
  uploadId?: string;
  jobId?: string;
  status: string;
  progress?: number;
  error?: string;
  resultUrl?: string;
  /** ISO-8601 */
  sentAt: string;
}

/** The SendTaskFailure error names the receiver uses for failure events. */
export const BiError = {
  UploadFailed: 'BI.UploadFailed',
  JobFailed: 'BI.JobFailed',
} as const;

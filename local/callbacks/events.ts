/** The webhook events of docs/bi-service.md, shared by the simulator and the receiver. */

import type { WebhookType } from './webhook-contract.ts';

export { WebhookType, WEBHOOK_TYPES, isWebhookType } from './webhook-contract.ts';

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

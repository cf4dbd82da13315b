/**
 * Hands a report in S3 to the BI service. The BI service answers "upload processed" later, on the
 * callback URL that carries the workflow's task token.
 */
import { biClientFromEnv, type BiClient, type Fetch } from '../shared/bi-client.ts';
import { callbackUrl } from '../shared/input.ts';
import type { UploadReportInput, UploadReportOutput } from './schema.ts';

export interface UploadReportDependencies {
  bi: BiClient;
}

/**
 * POST /uploads keyed by the workflow's idempotency key: a retried, duplicated or redriven call
 * answers the upload the first call created.
 *
 * @example
 * await uploadReport({ bucket: 'in', key: 'q3.csv', taskToken, callbackBaseUrl, idempotencyKey: 'exec-1/UploadReport' }, { bi });
 * // { uploadId: 'up-1' }
 */
export async function uploadReport(input: UploadReportInput, deps: UploadReportDependencies): Promise<UploadReportOutput> {
  const answer = await deps.bi.startUpload(
    { bucket: input.bucket, key: input.key, callbackUrl: callbackUrl(input.callbackBaseUrl, input.taskToken) },
    input.idempotencyKey,
  );
  return { uploadId: answer.uploadId };
}

/** Dependencies from the environment: BI_API_URL, and BI_API_KEY or BI_API_KEY_ARN. */
export function uploadReportDependencies(env: Record<string, string | undefined>, fetch?: Fetch): UploadReportDependencies {
  return { bi: biClientFromEnv(env, fetch) };
}

/** Starts the BI service's ETL job for a processed upload, at most once per idempotency key. */
import { biClientFromEnv, BiNotFound, type BiClient, type Fetch } from '../shared/bi-client.ts';
import { HandlerError, HandlerErrorName } from '../shared/errors.ts';
import { callbackUrl } from '../shared/input.ts';
import type { StartEtlJobInput, StartEtlJobOutput } from './schema.ts';

export interface StartEtlJobDependencies {
  bi: BiClient;
}

/**
 * POST /jobs with the workflow's idempotency key, so a retried, duplicated (duplicate delivery) or
 * redriven start answers the job the first start created instead of starting a second one.
 *
 * @example
 * await startEtlJob({ uploadId: 'up-1', idempotencyKey: 'exec-1/StartEtlJob', taskToken, callbackBaseUrl }, { bi });
 * // { jobId: 'job-1' }
 */
export async function startEtlJob(input: StartEtlJobInput, deps: StartEtlJobDependencies): Promise<StartEtlJobOutput> {
  const request = {
    uploadId: input.uploadId,
    ...(input.taskToken !== undefined && input.callbackBaseUrl !== undefined
      ? { callbackUrl: callbackUrl(input.callbackBaseUrl, input.taskToken) }
      : {}),
  };
  try {
    const answer = await deps.bi.startJob(request, input.idempotencyKey);
    return { jobId: answer.jobId };
  } catch (e) {
    if (e instanceof BiNotFound) throw new HandlerError(HandlerErrorName.BiUploadNotFound, e.message, { cause: e });
    throw e;
  }
}

/** Dependencies from the environment: BI_API_URL, and BI_API_KEY or BI_API_KEY_ARN. */
export function startEtlJobDependencies(env: Record<string, string | undefined>, fetch?: Fetch): StartEtlJobDependencies {
  return { bi: biClientFromEnv(env, fetch) };
}

/** One poll of the BI service's ETL job, for the workflow's Wait + Choice loop. */
import { biClientFromEnv, BiNotFound, type BiClient, type Fetch } from '../shared/bi-client.ts';
import { HandlerError, HandlerErrorName } from '../shared/errors.ts';
import type { CheckEtlJobInput, CheckEtlJobOutput } from './schema.ts';

export interface CheckEtlJobDependencies {
  bi: BiClient;
}

/**
 * GET /jobs/{jobId}. Throws BI.Unavailable when the service cannot answer now (the workflow
 * retries) and BI.JobNotFound when it does not know the job.
 *
 * @example
 * await checkEtlJob({ jobId: 'job-1' }, { bi }); // { status: 'RUNNING', progress: 40 }
 */
export async function checkEtlJob(input: CheckEtlJobInput, deps: CheckEtlJobDependencies): Promise<CheckEtlJobOutput> {
  try {
    const job = await deps.bi.getJob(input.jobId);
    return {
      status: job.status,
      progress: job.progress,
      ...(job.error !== undefined ? { error: job.error } : {}),
      ...(job.resultUrl !== undefined ? { resultUrl: job.resultUrl } : {}),
    };
  } catch (e) {
    if (e instanceof BiNotFound) throw new HandlerError(HandlerErrorName.BiJobNotFound, e.message, { cause: e });
    throw e;
  }
}

/** Dependencies from the environment: BI_API_URL, and BI_API_KEY or BI_API_KEY_ARN. */
export function checkEtlJobDependencies(env: Record<string, string | undefined>, fetch?: Fetch): CheckEtlJobDependencies {
  return { bi: biClientFromEnv(env, fetch) };
}

/**
 * The domain function of the check-job handler: it knows nothing of Lambda, and takes the job
 * service as a plain function, so tests call it with a fake one.
 */
export type JobStatus = 'RUNNING' | 'DONE' | 'FAILED';

export interface CheckJobInput {
  jobId: string;
}

/** Reads a job's status from the job service. */
export type StatusOf = (jobId: string) => Promise<JobStatus>;

/** The job service did not answer; its name is the error the workflow's Retry matches. */
export class JobServiceUnavailable extends Error {
  override name = 'JobService.Unavailable';
}

export async function checkJob(input: CheckJobInput, statusOf: StatusOf): Promise<{ status: JobStatus }> {
  if (typeof input.jobId !== 'string' || input.jobId === '') throw new TypeError('jobId is required');
  return { status: await statusOf(input.jobId) };
}

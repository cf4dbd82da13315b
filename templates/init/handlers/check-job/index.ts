// Lambda wiring only: the job service is the HTTP endpoint in JOB_SERVICE_URL.
import { checkJob, JobServiceUnavailable, type CheckJobInput, type JobStatus } from './check-job.ts';

async function statusOf(jobId: string): Promise<JobStatus> {
  const response = await fetch(`${process.env.JOB_SERVICE_URL}/jobs/${encodeURIComponent(jobId)}`);
  if (response.status >= 500) throw new JobServiceUnavailable(`job service answered ${response.status}`, { cause: await response.text() });
  return ((await response.json()) as { status: JobStatus }).status;
}

export const handler = (event: CheckJobInput) => checkJob(event, statusOf);

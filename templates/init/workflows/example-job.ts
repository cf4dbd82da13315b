/**
 * The example long job: wait, ask the job service how the job is doing, and wait again until it
 * is done or failed. A check that finds the service unavailable is retried with back-off; any other
 * failure ends the execution at `Failed`.
 *
 * Plain ASL as a typed object (the longhaul package ships no workflow patterns): `npm run asl`
 * writes asl/example-job.asl.json, which infra/ deploys and a test keeps current.
 */
export const CHECK_INTERVAL_SECONDS = 300;

/** The `${...}` placeholders of the definition, filled by infra/ (and by the tests). */
export type SubstitutionName = 'CheckJobFunctionArn';

export const exampleJob = {
  Comment: 'Waits for a long job to finish, polling its status',
  StartAt: 'WaitForJob',
  States: {
    WaitForJob: { Type: 'Wait', Seconds: CHECK_INTERVAL_SECONDS, Next: 'CheckJob' },
    CheckJob: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${CheckJobFunctionArn}', Payload: { 'jobId.$': '$.jobId' } },
      ResultSelector: { 'status.$': '$.Payload.status' },
      ResultPath: '$.check',
      Retry: [{ ErrorEquals: ['JobService.Unavailable'], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'IsJobDone',
    },
    IsJobDone: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.check.status', StringEquals: 'DONE', Next: 'Done' },
        { Variable: '$.check.status', StringEquals: 'FAILED', Next: 'Failed' },
      ],
      Default: 'WaitForJob',
    },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'JobFailed', Cause: 'The job failed, or its status could not be read' },
  },
} as const;

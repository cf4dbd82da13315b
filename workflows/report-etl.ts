/**
 * report-etl, the reference long job: a report lands in S3; upload it to the BI service and wait
 * for "upload processed"; start the ETL job and wait for its completion callback, falling back to
 * polling when the callback does not come in time or the job's heartbeat stops; then notify the
 * outcome and end SUCCEEDED, or FAILED with `ReportEtl.UploadFailed`, `ReportEtl.JobFailed` or
 * `ReportEtl.DeadlinePassed`.
 *
 * The Lambda payloads (the contract with handlers/):
 * - upload-report `{ bucket, key, idempotencyKey, taskToken, callbackBaseUrl }`; the callback's output is the
 *   `upload.processed` webhook body (`{ uploadId, status, ... }`); failure: `BI.UploadFailed`.
 * - start-etl-job `{ uploadId, idempotencyKey, taskToken, callbackBaseUrl }`; the callback's output is the
 *   `job.succeeded` webhook body (`{ jobId, status, resultUrl? }`); failure: `BI.JobFailed`
 *   (cause: the job's error); `job.heartbeat` keeps it alive. Invoked again without `taskToken`
 *   after a timeout, it answers `{ jobId }` of the job that key started (the BI service's
 *   Idempotency-Key answers the same job, never a second one).
 * - check-etl-job `{ jobId }` answers `{ status, progress, error?, resultUrl? }`.
 * - notify `{ outcome: 'SUCCEEDED'|'JOB_FAILED'|'DEADLINE_PASSED'|'UPLOAD_FAILED', report: { bucket, key }, jobId?, error?, idempotencyKey }` (execution name + state name: one e-mail per outcome under duplicate delivery).
 * - Every BI call is retried with jitter on `BI.Unavailable` and Lambda's transient errors.
 */
import { awaitCallback, IDEMPOTENCY_IN_PROGRESS, jsonata, mergeStates, notify, pollUntil, transientRetry, TRANSIENT_LAMBDA_ERRORS, type Workflow } from './patterns/index.ts';
import { placeholder } from './substitutions.ts';

/** The errors a failed report-etl execution ends with. */
export const ReportEtlError = {
  UploadFailed: 'ReportEtl.UploadFailed',
  JobFailed: 'ReportEtl.JobFailed',
  DeadlinePassed: 'ReportEtl.DeadlinePassed',
} as const;

/** The outcomes the notify Lambda is told. */
export const ReportEtlOutcome = {
  Succeeded: 'SUCCEEDED',
  JobFailed: 'JOB_FAILED',
  DeadlinePassed: 'DEADLINE_PASSED',
  UploadFailed: 'UPLOAD_FAILED',
} as const;

export interface ReportEtlOptions {
  /** how long the upload may take to be processed (default 30 min) */
  uploadTimeoutSeconds?: number;
  /** the longest the job's completion callback is waited for (default 90 min) */
  jobCallbackTimeoutSeconds?: number;
  /** the job's heartbeat must come this often (default 10 min) */
  jobHeartbeatSeconds?: number;
  /** from the job's start, when polling gives up (default 6 h) */
  jobDeadlineSeconds?: number;
  pollIntervalSeconds?: number;
  pollBackoffRate?: number;
  pollMaxIntervalSeconds?: number;
  /** polls before the loop continues as a new execution (default 1000) */
  maxPollsPerExecution?: number;
}

export const REPORT_ETL_DEFAULTS = {
  uploadTimeoutSeconds: 1800,
  jobCallbackTimeoutSeconds: 5400,
  jobHeartbeatSeconds: 600,
  jobDeadlineSeconds: 6 * 3600,
  pollIntervalSeconds: 30,
  pollBackoffRate: 2,
  pollMaxIntervalSeconds: 600,
  maxPollsPerExecution: 1000,
} as const satisfies Required<ReportEtlOptions>;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/**
 * What a call to the BI service retries: Lambda's transient errors, the handlers' `BI.Unavailable`,
 * and a duplicate that found the first call with its key still running.
 */
export const TRANSIENT_BI_ERRORS = [...TRANSIENT_LAMBDA_ERRORS, 'BI.Unavailable', IDEMPOTENCY_IN_PROGRESS] as const;

/**
 * Builds the report-etl workflow. Input: `{ bucket, key }` (what the S3 trigger and a person's
 * `longhaul start` both send).
 *
 * @example
 * const { definition } = reportEtl();                               // what asl/report-etl.asl.json holds
 * const quick = reportEtl({ maxPollsPerExecution: 3 }).definition;   // a test's variant
 */
export function reportEtl(options: ReportEtlOptions = {}): Workflow {
  const o = { ...REPORT_ETL_DEFAULTS, ...options };
  const notifyVia = { lambda: placeholder('NotifyFunctionArn') };
  // jobId and error only when known: the notify handler takes them as optional strings, not null
  const notifyPayload = "$merge([{ 'report': { 'bucket': $bucket, 'key': $key } }, $jobId ? { 'jobId': $jobId } : {}, $exists($states.input.error) ? { 'error': $states.input.error } : {}])";
  const jobKey = "$states.context.Execution.Name & '/StartEtlJob'";

  const upload = awaitCallback({
    name: 'UploadReport',
    functionName: placeholder('UploadReportFunctionArn'),
    payload: { bucket: jsonata('$bucket'), key: jsonata('$key'), idempotencyKey: jsonata("$states.context.Execution.Name & '/UploadReport'"), callbackBaseUrl: placeholder('CallbackBaseUrl') },
    retryOn: TRANSIENT_BI_ERRORS,
    timeoutSeconds: o.uploadTimeoutSeconds,
    assign: { uploadId: jsonata('$states.result.uploadId') },
    catch: [{ errors: ['BI.UploadFailed'], next: 'NotifyUploadFailed', output: { error: jsonata('$states.errorOutput.Cause') } }],
    onTimeout: {
      next: 'NotifyUploadFailed',
      output: { error: jsonata(`'no upload.processed callback within ${o.uploadTimeoutSeconds} s (' & $states.errorOutput.Error & ')'`) },
    },
    next: 'StartEtlJob',
  });

  const start = awaitCallback({
    name: 'StartEtlJob',
    functionName: placeholder('StartEtlJobFunctionArn'),
    payload: { uploadId: jsonata('$uploadId'), idempotencyKey: jsonata(jobKey), callbackBaseUrl: placeholder('CallbackBaseUrl') },
    retryOn: TRANSIENT_BI_ERRORS,
    heartbeatSeconds: o.jobHeartbeatSeconds,
    timeoutSeconds: o.jobCallbackTimeoutSeconds,
    assign: { jobId: jsonata('$states.result.jobId') },
    output: jsonata('$states.result'),
    catch: [{ errors: ['BI.JobFailed'], next: 'NotifyJobFailed', output: { status: 'FAILED', error: jsonata('$states.errorOutput.Cause') } }],
    onTimeout: {
      next: 'FindEtlJob',
      assign: { jobDeadline: jsonata(`$fromMillis($toMillis($states.context.State.EnteredTime) + ${o.jobDeadlineSeconds * 1000})`) },
      output: jsonata('$states.errorOutput'),
    },
    next: 'NotifySucceeded',
  });

  const poll = pollUntil({
    name: 'PollEtlJob',
    variable: 'etlPoll',
    carry: ['bucket', 'key', 'uploadId', 'jobId'],
    check: {
      resource: LAMBDA_INVOKE,
      arguments: { FunctionName: placeholder('CheckEtlJobFunctionArn'), Payload: { jobId: jsonata('$jobId') } },
      output: '$states.result.Payload',
      retryOn: TRANSIENT_BI_ERRORS,
    },
    doneWhen: "$states.input.status = 'SUCCEEDED'",
    failedWhen: "$states.input.status = 'FAILED'",
    intervalSeconds: o.pollIntervalSeconds,
    backoffRate: o.pollBackoffRate,
    maxIntervalSeconds: o.pollMaxIntervalSeconds,
    deadline: { at: '$jobDeadline' },
    maxPollsPerExecution: o.maxPollsPerExecution,
    next: { done: 'NotifySucceeded', failed: 'NotifyJobFailed', deadlinePassed: 'NotifyDeadlinePassed' },
  });

  const entry = {
    Begin: {
      Type: 'Choice',
      Comment: 'A continued execution resumes polling; a new one starts from the upload.',
      Choices: [{ Condition: jsonata(poll.resumeWhen), Next: poll.resumeAt }],
      Default: 'Init',
    },
    Init: {
      Type: 'Pass',
      Assign: { bucket: jsonata('$states.input.bucket'), key: jsonata('$states.input.key'), uploadId: null, jobId: null, jobDeadline: null },
      Next: upload.startAt,
    },
  };

  const fallback = {
    FindEtlJob: {
      Type: 'Task',
      Comment: 'No completion callback in time: ask start-etl-job, without a token, for the job its key started, then poll it.',
      Resource: LAMBDA_INVOKE,
      Arguments: { FunctionName: placeholder('StartEtlJobFunctionArn'), Payload: { uploadId: jsonata('$uploadId'), idempotencyKey: jsonata(jobKey) } },
      Retry: [transientRetry({ errors: TRANSIENT_BI_ERRORS })],
      Assign: { jobId: jsonata('$states.result.Payload.jobId') },
      Next: poll.startAt,
    },
  };

  const outcomes = mergeStates(
    notify({ name: 'NotifySucceeded', outcome: ReportEtlOutcome.Succeeded, via: notifyVia, payload: notifyPayload, next: 'Succeeded' }).states,
    notify({ name: 'NotifyJobFailed', outcome: ReportEtlOutcome.JobFailed, via: notifyVia, payload: notifyPayload, next: 'JobFailed' }).states,
    notify({ name: 'NotifyDeadlinePassed', outcome: ReportEtlOutcome.DeadlinePassed, via: notifyVia, payload: notifyPayload, next: 'DeadlinePassed' }).states,
    notify({ name: 'NotifyUploadFailed', outcome: ReportEtlOutcome.UploadFailed, via: notifyVia, payload: notifyPayload, next: 'UploadFailed' }).states,
    {
      Succeeded: {
        Type: 'Succeed',
        Output: jsonata("{ 'bucket': $bucket, 'key': $key, 'jobId': $jobId, 'status': $states.input.status, 'resultUrl': $states.input.resultUrl }"),
      },
      JobFailed: {
        Type: 'Fail',
        Error: ReportEtlError.JobFailed,
        // a job that fails before its id is known (the completion callback carries only the error) is named by its error text
        Cause: jsonata("'ETL job ' & ($jobId ? $jobId & ' ' : '') & 'for s3://' & $bucket & '/' & $key & ' failed: ' & $string($states.input.error)"),
      },
      DeadlinePassed: {
        Type: 'Fail',
        Error: ReportEtlError.DeadlinePassed,
        Cause: jsonata("'ETL job ' & $jobId & ' for s3://' & $bucket & '/' & $key & ' was still ' & $states.input.status & ' at its deadline ' & $etlPoll.deadline"),
      },
      UploadFailed: {
        Type: 'Fail',
        Error: ReportEtlError.UploadFailed,
        Cause: jsonata("'upload of s3://' & $bucket & '/' & $key & ' to the BI service failed: ' & $string($states.input.error)"),
      },
    },
  );

  return {
    name: 'report-etl',
    definition: {
      Comment: 'Uploads a report to the BI service, runs its ETL job (callback, falling back to polling), and notifies the outcome.',
      QueryLanguage: 'JSONata',
      StartAt: 'Begin',
      States: mergeStates(entry, upload.states, start.states, fallback, poll.states, outcomes),
    },
    loops: poll.loops,
  };
}

/**
 * nightly-export, the scheduled job: every night an EventBridge Scheduler schedule starts it
 * (through the `start-on-schedule` Lambda, which names the execution `<schedule>-<tick>` so a tick
 * delivered twice starts nothing new). It lists the day's ETL result objects in the reports
 * bucket (`<resultsPrefix><day>/`, page by page), writes one export of them to
 * `<exportPrefix><day>.json`, and e-mails that the export is ready.
 *
 * Input: `{ schedule, scheduledTime, day?, resultsPrefix?, exportPrefix? }`. The day is the UTC day
 * before the tick (a 02:00 run exports the day that just ended) unless `day` (`YYYY-MM-DD`) says
 * otherwise, for a person's manual re-export. (Deployed, its role may list only `results/` and
 * write only `exports/`: other prefixes in the input are refused there with AccessDenied.)
 *
 * Every step is safe to repeat: listing reads, the export's key is a function of the day (a
 * repeat overwrites it with the same content), and notify is idempotent by execution and state.
 * Caveat: the export lists at most `maxPages` pages of results (2,000 objects by default, kept
 * under the 256 KiB state payload); a bigger day ends FAILED with `NightlyExport.TooManyResults`
 * rather than export part of it.
 */
import { jsonata, mergeStates, notify, transientRetry, type Workflow } from './patterns/index.ts';
import { placeholder } from './substitutions.ts';

export const NightlyExportError = { TooManyResults: 'NightlyExport.TooManyResults' } as const;

/** The outcome the notify Lambda is told. */
export const NightlyExportOutcome = { Exported: 'EXPORTED' } as const;

export interface NightlyExportOptions {
  /** objects per ListObjectsV2 page (S3's maximum is 1000) */
  pageSize?: number;
  /** pages before the export refuses the day (default 2) */
  maxPages?: number;
  /** where the ETL results are, before `<day>/` (default `results/`) */
  resultsPrefix?: string;
  /** where the exports go, before `<day>.json` (default `exports/`) */
  exportPrefix?: string;
}

export const NIGHTLY_EXPORT_DEFAULTS = {
  pageSize: 1000,
  maxPages: 2,
  resultsPrefix: 'results/',
  exportPrefix: 'exports/',
} as const satisfies Required<NightlyExportOptions>;

/** S3 through the SDK integration fails as `S3.<Exception>`; reading and an idempotent put may be retried on any. */
const S3_RETRY = transientRetry({ errors: ['States.TaskFailed'] });

/**
 * Builds the nightly-export workflow.
 *
 * @example
 * const { definition } = nightlyExport();                 // what asl/nightly-export.asl.json holds
 * const small = nightlyExport({ pageSize: 2 }).definition; // a test's variant that pages
 */
export function nightlyExport(options: NightlyExportOptions = {}): Workflow {
  const o = { ...NIGHTLY_EXPORT_DEFAULTS, ...options };
  const input = (field: string, fallback: string) => `($exists($states.input.${field}) ? $states.input.${field} : '${fallback}')`;

  const states = mergeStates(
    {
      Init: {
        Type: 'Pass',
        Comment: "The day is the tick's UTC day before (a 02:00 run exports the day that ended), unless the input names one.",
        Assign: {
          day: jsonata("$exists($states.input.day) ? $states.input.day : $fromMillis($toMillis($states.input.scheduledTime) - 86400000, '[Y0001]-[M01]-[D01]')"),
          bucket: placeholder('ReportsBucketName'),
        },
        Next: 'Prepare',
      },
      Prepare: {
        Type: 'Pass',
        Assign: {
          prefix: jsonata(`${input('resultsPrefix', o.resultsPrefix)} & $day & '/'`),
          exportKey: jsonata(`${input('exportPrefix', o.exportPrefix)} & $day & '.json'`),
          results: [],
          pages: 0,
          token: null,
        },
        Next: 'ListResults',
      },
      ListResults: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:s3:listObjectsV2',
        Arguments: jsonata(`$merge([{ 'Bucket': $bucket, 'Prefix': $prefix, 'MaxKeys': ${o.pageSize} }, $token ? { 'ContinuationToken': $token } : {}])`),
        Retry: [S3_RETRY],
        Assign: {
          results: jsonata("$append($results, $states.result.Contents.{ 'key': Key, 'size': Size })"),
          pages: jsonata('$pages + 1'),
          token: jsonata('$states.result.IsTruncated ? $states.result.NextContinuationToken : null'),
        },
        Next: 'MoreResults',
      },
      MoreResults: {
        Type: 'Choice',
        Choices: [
          { Condition: jsonata(`$boolean($token) and $pages >= ${o.maxPages}`), Next: 'TooManyResults' },
          { Condition: jsonata('$boolean($token)'), Next: 'ListResults' },
        ],
        Default: 'PutExport',
      },
      PutExport: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
        Arguments: {
          Bucket: jsonata('$bucket'),
          Key: jsonata('$exportKey'),
          ContentType: 'application/json',
          Body: jsonata("$string({ 'day': $day, 'bucket': $bucket, 'prefix': $prefix, 'count': $count($results), 'results': $results })"),
        },
        Retry: [S3_RETRY],
        Next: 'NotifyExported',
      },
      Exported: {
        Type: 'Succeed',
        Output: jsonata("{ 'day': $day, 'bucket': $bucket, 'key': $exportKey, 'count': $count($results) }"),
      },
      TooManyResults: {
        Type: 'Fail',
        Error: NightlyExportError.TooManyResults,
        Cause: jsonata(`'more than ${o.maxPages * o.pageSize} result objects under s3://' & $bucket & '/' & $prefix & '; the export lists at most ${o.maxPages} pages'`),
      },
    },
    notify({
      name: 'NotifyExported',
      outcome: NightlyExportOutcome.Exported,
      via: { lambda: placeholder('NotifyFunctionArn') },
      payload: "{ 'report': { 'bucket': $bucket, 'key': $exportKey }, 'summary': $string($count($results)) & ' result objects of ' & $day & ' under s3://' & $bucket & '/' & $prefix }",
      next: 'Exported',
    }).states,
  );

  return {
    name: 'nightly-export',
    definition: {
      Comment: "Exports the day's ETL results from the reports bucket to one object and e-mails that it is ready; started nightly by EventBridge Scheduler.",
      QueryLanguage: 'JSONata',
      StartAt: 'Init',
      States: states,
    },
    loops: [{ states: ['ListResults', 'MoreResults'], maxIterations: o.maxPages, reason: `MoreResults fails the export after ${o.maxPages} pages` }],
  };
}

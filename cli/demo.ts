/**
 * `npm start` (`longhaul demo`): the main job end to end on the local stack. It boots the
 * project's CDK app as synthesized (infra/, synthesized first when cdk.out is missing or stale) with
 * longhaul.config.json's overlay (or uses the stack `longhaul serve` is running on the same data
 * folder), uploads a sample report to the app's reports bucket, follows the report-etl execution
 * the upload starts to its end, and says where to look next. Exit code 0 when it succeeded, 1 otherwise.
 *
 * On the real clock the BI simulator's demo timings make it a matter of seconds; `--virtual` runs
 * a 40-minute ETL job on the virtual clock instead, which also takes seconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetExecutionHistoryCommand, ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { RealScheduler, VirtualScheduler } from '../engine/runtime/clock.ts';
import { readStackConfig, startLocalStack, type LocalStack, type StackConfig, type StackOptions } from '../local/stack.ts';
import { startCloudApp } from '../local/cloudformation/run.ts';
import { readAppOverlay } from '../local/cloudformation/overlay.ts';
import { isProjectApp, projectAssembly, uploadBucketOf } from './serve.ts';
import { listOutbox } from '../local/integrations/outbox.ts';
import { CliError, endpointsFile, sfnClient, uploadReport, type Endpoints } from './remote.ts';
import { followExecution } from './follow.ts';
import { formatMs } from './history-lines.ts';

export interface DemoOptions {
  data: string;
  config: string;
  /** a 40-minute job on the virtual clock instead of the demo timings on the real clock */
  virtual?: boolean;
  /** the report to upload (default the sample) */
  file?: string;
  /** the BI simulator fails the ETL job: the failure path (FAILED, failure e-mail, exit code 1) */
  failJob?: boolean;
}

export const SAMPLE_REPORT = fileURLToPath(new URL('./demo/q3-sales.csv', import.meta.url));
/** the upload bucket of a stack config without an app (its S3 rule's bucket is a plain name) */
const CONFIG_BUCKET = 'reports';

/** The timings of a realistic job: processed upload after a minute, a 40-minute ETL job. */
const FORTY_MINUTE_JOB = { uploadSeconds: 60, jobSeconds: 40 * 60, heartbeatSeconds: 60 };

/** The endpoints of a `longhaul serve` already running on this data folder, if it answers. */
async function servedStack(data: string): Promise<Endpoints | undefined> {
  const file = endpointsFile(data);
  if (!existsSync(file)) return undefined;
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
  const client = sfnClient(recorded);
  try {
    await client.send(new ListStateMachinesCommand({}));
    return recorded;
  } catch {
    return undefined; // left behind by a stack that was killed
  } finally {
    client.destroy();
  }
}

function banner(lines: [string, string][]): string {
  return lines.map(([k, v]) => `  ${k.padEnd(24)} ${v}`).join('\n');
}

/**
 * Runs the demo; answers the exit code.
 *
 * @example
 * process.exitCode = await demo({ data: '.longhaul', config: 'longhaul.config.json' });
 */
export async function demo(opts: DemoOptions): Promise<number> {
  const started = Date.now();
  // a served stack has its own faults: the demo's own are for its own stack
  const served = opts.virtual || opts.failJob ? undefined : await servedStack(opts.data);
  let stack: LocalStack | undefined;
  let endpoints: Endpoints;
  let workflowNow: () => number = Date.now;
  if (served) {
    endpoints = served;
    console.log(`Using the local stack already served from ${opts.data} (${served.api}).`);
  } else {
    if (!existsSync(opts.config)) throw new CliError(`no ${opts.config}: the demo runs the Longhaul kit's own report-etl job, from a clone of its repository (npm start there)`);
    const scheduler = opts.virtual ? new VirtualScheduler() : new RealScheduler();
    const stackOptions: Omit<StackOptions, 'config' | 'configDir'> = {
      // the virtual run's dates are ahead of the wall clock: keep them out of the folder `serve` uses
      dataDir: opts.virtual ? undefined : opts.data,
      scheduler,
      bi: { timings: opts.virtual ? FORTY_MINUTE_JOB : undefined, faults: opts.failJob ? { failJobs: true } : undefined },
      onLambdaLog: () => {},
    };
    let config: StackConfig;
    // this project runs its CDK app with the config's overlay; another project's config is its whole wiring
    if (isProjectApp()) {
      const app = projectAssembly();
      console.log(`Starting the local stack from the CDK app ${app} (${opts.virtual ? 'virtual clock, a 40-minute ETL job' : "real clock, the BI simulator's demo timings"})...`);
      const cloud = await startCloudApp({ ...stackOptions, app, overlay: readAppOverlay(opts.config).overlay });
      ({ stack, config } = cloud);
    } else {
      const read = readStackConfig(opts.config);
      config = read.config;
      console.log(`Starting the local stack (${opts.virtual ? 'virtual clock, a 40-minute ETL job' : "real clock, the BI simulator's demo timings"})...`);
      stack = await startLocalStack({ ...stackOptions, config, configDir: read.configDir });
    }
    endpoints = { api: stack.api.url, services: stack.services.endpoint, uploadBucket: uploadBucketOf(config) };
    workflowNow = () => scheduler.now();
    console.log(banner([
      ['Step Functions API', stack.api.url],
      ['console (while it runs)', stack.api.consoleUrl ?? '(not built: npm run console:build)'],
      ['S3 / SQS / SNS', stack.services.endpoint],
      ['BI service simulator', stack.bi.url],
      ['callback receiver', `${stack.callbacks.url}/callbacks`],
      ['state machines', Object.keys(stack.stateMachines).join(', ')],
      ['started in', formatMs(Date.now() - started)],
    ]));
  }
  const stop = async () => {
    if (stack) await stack.stop();
    stack = undefined;
  };
  const interrupted = () => {
    console.log('\nInterrupted: stopping the stack (the execution resumes at the next `npm start` or `longhaul serve`).');
    void stop().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  const sfn: SFNClient = sfnClient(endpoints);
  try {
    const file = opts.file ?? SAMPLE_REPORT;
    const key = `${new Date().toISOString().slice(0, 10)}/q3-sales.csv`;
    const bucket = endpoints.uploadBucket ?? CONFIG_BUCKET;
    const { executionArn, uploadedAt } = await uploadReport(endpoints, sfn, file, { bucket, key });
    const machine = executionArn.split(':')[6];
    console.log(`\nUploaded ${file} to s3://${bucket}/${key}; the upload rule started ${machine}.`);
    console.log(`Execution ${executionArn}\n`);
    const r = await followExecution(sfn, executionArn, { workflowNow, realStart: uploadedAt });
    if (!opts.virtual) console.log(`\nFirst state entered ${formatMs(await firstStateEnteredAt(sfn, executionArn) - performance.timeOrigin)} after the command started${served ? '' : ' (synthesis and start included)'}`);
    console.log(`\n${r.status} in ${formatMs(r.realMs)} of real time (${formatMs(r.workflowMs)} of workflow time)`);
    if (r.status !== 'SUCCEEDED') console.log(`  error  ${r.error ?? '-'}\n  cause  ${r.cause ?? '-'}`);
    else if (r.output) console.log(`  output ${r.output}`);
    const emails = stack ? stack.outbox.list({ channel: 'email' }) : listOutbox(opts.data, { channel: 'email' });
    const last = emails.at(-1);
    if (last) {
      const m = last.message as { Destination?: { ToAddresses?: string[] }; Content?: { Simple?: { Subject?: { Data?: string } } } };
      console.log(`  e-mail to ${m.Destination?.ToAddresses?.join(', ')}: "${m.Content?.Simple?.Subject?.Data}"`);
    }
    const where: [string, string][] = opts.virtual
      ? [['npm start', 'the same job on the real clock, kept in .longhaul so you can look at it afterwards']]
      : [
          ['npm run longhaul -- serve', `keep this stack up (state in ${opts.data}); it prints its endpoints and the console's address`],
          [`npm run longhaul -- show ${executionArn}`, ''],
          [`npm run longhaul -- list ${machine}`, 'every execution, newest first'],
          ['npm run longhaul -- outbox', 'the e-mails the workflows sent'],
          ['npm run longhaul -- upload FILE --follow', 'start another report (also: start, rerun, redrive)'],
          ['npm start -- --virtual', 'a 40-minute ETL job on the virtual clock, in seconds'],
        ];
    console.log(`\nWhere to look next:\n${where.map(([cmd, what]) => `  ${cmd}${what ? `\n      ${what}` : ''}`).join('\n')}\n  README.md: the workflows, the CLI and deploying to AWS`);
    return r.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupted);
    sfn.destroy();
    await stop();
  }
}

/** When the execution entered its first state (its history's timestamp: the real clock here). */
async function firstStateEnteredAt(sfn: SFNClient, executionArn: string): Promise<number> {
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 20 }));
  return events.find((e) => e.type?.endsWith('StateEntered'))?.timestamp?.getTime() ?? Number.NaN;
}

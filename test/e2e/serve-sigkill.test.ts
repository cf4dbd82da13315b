/**
 * `longhaul serve` killed with SIGKILL mid-run and started again on the same --data: every
 * execution finishes, and the S3 objects and queued messages are still there. Driven only
 * through the AWS SDK clients, as a user's code would.
 */
import { beforeAll, describe, it, expect } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type Served } from '../support/served.ts';
import { SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { endpointsFile, findUploadExecution, type Endpoints } from '../../cli/remote.ts';
import { projectAssembly } from '../../cli/serve.ts';
import { SYNTH_TIMEOUT_MS } from '../support/project-app.ts';
import { listOutbox } from '../../local/integrations/outbox.ts';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';

// serve runs the project's app: synthesized once here, so no start waits for it
beforeAll(() => {
  projectAssembly(process.cwd(), () => {});
}, SYNTH_TIMEOUT_MS);

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

/** An execution's status once it is no longer RUNNING, or RUNNING after `ms`. */
async function finalStatus(sfn: SFNClient, executionArn: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let status = 'RUNNING';
  while (status === 'RUNNING' && Date.now() < deadline) {
    status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status!;
    if (status === 'RUNNING') await new Promise((r) => setTimeout(r, 200));
  }
  return status;
}

const definition = {
  Comment: 'Waits, then writes a marker object named after the execution',
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', Seconds: 3, Next: 'Mark' },
    Mark: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
      Parameters: { Bucket: 'reports', 'Key.$': "States.Format('done/{}', $$.Execution.Name)", Body: 'finished' },
      ResultPath: null,
      End: true,
    },
  },
};

describe('a served local stack killed with SIGKILL', () => {
  it('finishes every execution after a restart on the same data, with objects and messages kept', async () => {
    // Prepare
    const data = mkdtempSync(join(tmpdir(), 'longhaul-serve-'));
    writeFileSync(join(data, '.keep'), '');
    let first: Served | undefined;
    let second: Served | undefined;
    try {
      first = await serve(data);
      const sfn = new SFNClient({ endpoint: first.api, region, credentials });
      const s3 = new S3Client({ endpoint: first.services, region, credentials, forcePathStyle: true });
      const sqs = new SQSClient({ endpoint: first.services, region, credentials });
      await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
      await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'inbox/q3.csv', Body: 'region,total\nemea,42\n' }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"job":"q3"}' }));
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
        name: 'marker', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r',
      }));
      const names = ['run-1', 'run-2', 'run-3'];
      const arns: string[] = [];
      for (const name of names) arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: '{}' }))).executionArn!);
      for (const c of [sfn, s3, sqs]) c.destroy();

      // Act: kill it while the executions wait, start it again on the same data
      first.child.kill('SIGKILL');
      await first.exited;
      second = await serve(data);
      const sfn2 = new SFNClient({ endpoint: second.api, region, credentials });
      const s3b = new S3Client({ endpoint: second.services, region, credentials, forcePathStyle: true });
      const sqs2 = new SQSClient({ endpoint: second.services, region, credentials });
      const statuses: string[] = [];
      for (const executionArn of arns) statuses.push(await finalStatus(sfn2, executionArn, 20_000));
      const kept = await (await s3b.send(new GetObjectCommand({ Bucket: 'reports', Key: 'inbox/q3.csv' }))).Body!.transformToString();
      const markers = await Promise.all(names.map(async (n) => (await s3b.send(new GetObjectCommand({ Bucket: 'reports', Key: `done/${n}` }))).Body!.transformToString()));
      const queueUrl = QueueUrl!.replace(first.services, second.services);
      const { Messages } = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
      for (const c of [sfn2, s3b, sqs2]) c.destroy();

      // Assess
      expect(statuses).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(kept).toBe('region,total\nemea,42\n');
      expect(markers).toEqual(['finished', 'finished', 'finished']);
      expect(Messages?.map((m) => m.Body)).toEqual(['{"job":"q3"}']);

      // a clean stop on SIGTERM
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      second = undefined;
    } finally {
      for (const s of [first, second]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);

  it('finishes a report-etl execution killed while its ETL job runs, with the same job and its completion callback', async () => {
    // Prepare: the project's app with longhaul.config.json's overlay and the BI simulator's demo timings: a 10-second job
    const data = mkdtempSync(join(tmpdir(), 'longhaul-serve-'));
    let first: Served | undefined;
    let second: Served | undefined;
    try {
      first = await serve(data);
      const sfn = new SFNClient({ endpoint: first.api, region, credentials });
      const s3 = new S3Client({ endpoint: first.services, region, credentials, forcePathStyle: true });
      // the app's reports bucket, by the name serve records (CloudFormation makes it up)
      const bucket = (JSON.parse(readFileSync(endpointsFile(data), 'utf8')) as Endpoints).uploadBucket!;
      const since = Date.now();
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'q3/killed.csv', Body: 'region,total\nemea,42\n' }));
      const executionArn = (await findUploadExecution(sfn, { bucket, key: 'q3/killed.csv' }, since))!;
      // wait until the job runs: StartEtlJob has handed its task token to the BI service
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
        const entered = events.findIndex((e) => e.stateEnteredEventDetails?.name === 'StartEtlJob');
        if (entered >= 0 && events.slice(entered).some((e) => e.type === 'TaskSubmitted')) break;
        if (Date.now() > deadline) throw new Error('the ETL job did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const c of [sfn, s3]) c.destroy();

      // Act
      first.child.kill('SIGKILL');
      await first.exited;
      second = await serve(data);
      const sfn2 = new SFNClient({ endpoint: second.api, region, credentials });
      const status = await finalStatus(sfn2, executionArn, 30_000);
      const { events = [] } = await sfn2.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      sfn2.destroy();

      // Assess: the job's own completion callback reached the restarted stack; no polling, no second job
      expect(status).toBe('SUCCEEDED');
      expect(events.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name)).toEqual(['Begin', 'Init', 'UploadReport', 'StartEtlJob', 'NotifySucceeded', 'Succeeded']);
      const bi = JSON.parse(readFileSync(join(data, 'bi-simulator.json'), 'utf8')) as { jobs: { status: string }[] };
      expect(bi.jobs.map((j) => j.status)).toEqual(['SUCCEEDED']);
      expect(listOutbox(data, { channel: 'email' }).map((e) => (e.message as { Content: { Simple: { Subject: { Data: string } } } }).Content.Simple.Subject.Data)).toEqual([
        `Report loaded: s3://${bucket}/q3/killed.csv`,
      ]);
    } finally {
      for (const s of [first, second]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
      await Promise.all([first, second].map((s) => s?.exited));
      rmSync(data, { recursive: true, force: true });
    }
  }, 90_000);
});

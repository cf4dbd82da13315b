import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { checkEtlJob, checkEtlJobDependencies } from '../../../handlers/check-etl-job/check-etl-job.ts';
import { handler as checkEtlJobHandler } from '../../../handlers/check-etl-job/index.ts';
import { HandlerErrorName } from '../../../handlers/shared/errors.ts';
import { MASK } from '../../../handlers/shared/logging.ts';
import { handler as startEtlJobHandler } from '../../../handlers/start-etl-job/index.ts';
import { parseStartEtlJobInput } from '../../../handlers/start-etl-job/schema.ts';
import { startEtlJob, startEtlJobDependencies } from '../../../handlers/start-etl-job/start-etl-job.ts';
import { handler as uploadReportHandler } from '../../../handlers/upload-report/index.ts';
import { uploadReport, uploadReportDependencies } from '../../../handlers/upload-report/upload-report.ts';
import { type BiFake, captureLogs, lambdaContext, startBiFake } from './support/bi-fake.ts';
import { IDEMPOTENCY_DISABLED_ENV } from '../../../handlers/shared/idempotency.ts';

// These tests are about each handler's own work; idempotency.test.ts runs the idempotency layer
// against a real (local) DynamoDB table.
beforeAll(() => {
  process.env[IDEMPOTENCY_DISABLED_ENV] = 'true';
});
afterAll(() => {
  delete process.env[IDEMPOTENCY_DISABLED_ENV];
});

const TOKEN = 'AQB8AAAAKgAAAAMAAAAA+token/with=reserved&chars';
const CALLBACKS = 'http://127.0.0.1:9/receiver';

let bi: BiFake;
let env: Record<string, string>;

beforeAll(async () => {
  bi = await startBiFake();
  env = { BI_API_URL: bi.url };
});
afterAll(async () => {
  delete process.env.BI_API_URL;
  await bi.close();
});
afterEach(() => {
  bi.requests.length = 0;
  bi.forced.length = 0;
});

async function uploaded(idempotencyKey: string): Promise<string> {
  const { uploadId } = await uploadReport(
    { bucket: 'reports', key: 'q3.csv', taskToken: TOKEN, callbackBaseUrl: CALLBACKS, idempotencyKey },
    uploadReportDependencies(env),
  );
  return uploadId;
}

describe('upload-report', () => {
  it('posts the report with the idempotency key and a callback URL carrying the encoded task token', async () => {
    const { uploadId } = await uploadReport(
      { bucket: 'reports', key: 'q3.csv', taskToken: TOKEN, callbackBaseUrl: `${CALLBACKS}/`, idempotencyKey: 'exec-1/UploadReport' },
      uploadReportDependencies(env),
    );

    expect(uploadId).toMatch(/^up-/);
    expect(bi.requests).toEqual([{
      method: 'POST',
      path: '/uploads',
      idempotencyKey: 'exec-1/UploadReport',
      body: { bucket: 'reports', key: 'q3.csv', callbackUrl: `${CALLBACKS}/callbacks?token=${encodeURIComponent(TOKEN)}` },
    }]);
    expect(new URL(bi.requests[0].body.callbackUrl).searchParams.get('token')).toBe(TOKEN);
  });

  it('answers the same upload when the same start is delivered twice', async () => {
    const first = await uploaded('exec-dup/UploadReport');
    const second = await uploaded('exec-dup/UploadReport');

    expect(second).toBe(first);
  });
});

describe('start-etl-job', () => {
  it('starts one job for a start that is retried, duplicated and redriven with the same key', async () => {
    const uploadId = await uploaded('exec-2/UploadReport');
    const deps = startEtlJobDependencies(env);
    const input = { uploadId, idempotencyKey: 'exec-2/StartEtlJob', taskToken: TOKEN, callbackBaseUrl: CALLBACKS };
    const jobsBefore = bi.jobs.size;

    const answers = await Promise.all([startEtlJob(input, deps), startEtlJob(input, deps)]);
    const redriven = await startEtlJob(input, deps);

    expect(new Set([...answers, redriven].map((a) => a.jobId)).size).toBe(1);
    expect(bi.jobs.size).toBe(jobsBefore + 1);
    const keys = bi.requests.filter((r) => r.path === '/jobs').map((r) => r.idempotencyKey);
    expect(keys).toEqual(['exec-2/StartEtlJob', 'exec-2/StartEtlJob', 'exec-2/StartEtlJob']);
  });

  it('sends no callback URL when the workflow polls instead of waiting for a token', async () => {
    const uploadId = await uploaded('exec-3/UploadReport');

    await startEtlJob(parseStartEtlJobInput({ uploadId, idempotencyKey: 'exec-3/StartEtlJob' }), startEtlJobDependencies(env));

    expect(bi.requests.at(-1)?.body).toEqual({ uploadId });
  });

  it('names a start for an unknown upload BI.UploadNotFound', async () => {
    await expect(startEtlJob({ uploadId: 'up-missing', idempotencyKey: 'k' }, startEtlJobDependencies(env)))
      .rejects.toMatchObject({ name: HandlerErrorName.BiUploadNotFound });
  });

  it.each([
    ['a missing idempotency key', { uploadId: 'up-1' }],
    ['a task token without a callback base URL', { uploadId: 'up-1', idempotencyKey: 'k', taskToken: TOKEN }],
  ])('rejects %s as Handler.InvalidInput', (_what, event) => {
    expect(() => parseStartEtlJobInput(event)).toThrow(expect.objectContaining({ name: HandlerErrorName.InvalidInput }));
  });
});

describe('check-etl-job', () => {
  it('answers the job status and progress', async () => {
    const uploadId = await uploaded('exec-4/UploadReport');
    const { jobId } = await startEtlJob({ uploadId, idempotencyKey: 'exec-4/StartEtlJob' }, startEtlJobDependencies(env));
    Object.assign(bi.jobs.get(jobId)!, { status: 'FAILED', progress: 70, error: 'disk full' });

    const status = await checkEtlJob({ jobId }, checkEtlJobDependencies(env));

    expect(status).toEqual({ status: 'FAILED', progress: 70, error: 'disk full' });
  });

  it('names an unknown job BI.JobNotFound', async () => {
    await expect(checkEtlJob({ jobId: 'job-missing' }, checkEtlJobDependencies(env)))
      .rejects.toMatchObject({ name: HandlerErrorName.BiJobNotFound });
  });

  it.each([
    ['a 503', { status: 503, body: '{"error":"Unavailable","message":"maintenance"}' }],
    ['a 429', { status: 429, body: '{"error":"Throttled","message":"slow down"}' }],
    ['a 502 with an HTML page', { status: 502, body: '<html>bad gateway</html>' }],
    ['a connection reset', 'hang-up' as const],
  ])('names %s BI.Unavailable so the workflow retries', async (_what, answer) => {
    bi.forced.push(answer);

    await expect(checkEtlJob({ jobId: 'job-1' }, checkEtlJobDependencies(env)))
      .rejects.toMatchObject({ name: HandlerErrorName.BiUnavailable });
  });

  it('names an unreachable BI service BI.Unavailable', async () => {
    await expect(checkEtlJob({ jobId: 'job-1' }, checkEtlJobDependencies({ BI_API_URL: 'http://127.0.0.1:1' })))
      .rejects.toMatchObject({ name: HandlerErrorName.BiUnavailable });
  });

  it('names a missing BI_API_URL Handler.Configuration', () => {
    expect(() => checkEtlJobDependencies({})).toThrow(expect.objectContaining({ name: HandlerErrorName.Configuration }));
  });
});

describe('the Middy handlers end to end', () => {
  it('upload-report answers the upload id and never logs the task token', async () => {
    process.env.BI_API_URL = bi.url;
    const event = { bucket: 'reports', key: 'q4.csv', taskToken: TOKEN, callbackBaseUrl: CALLBACKS, idempotencyKey: 'exec-5/UploadReport' };

    const { result, logs } = await captureLogs(() => uploadReportHandler(event, lambdaContext()));

    expect(result).toEqual({ uploadId: expect.stringMatching(/^up-/) });
    expect(logs.map((l) => JSON.parse(l))).toEqual([
      { event: { ...event, taskToken: MASK } },
      { response: result },
    ]);
    expect(logs.join('\n')).not.toContain('token/with');
  });

  it('start-etl-job answers the job id and masks the task token', async () => {
    process.env.BI_API_URL = bi.url;
    const uploadId = await uploaded('exec-6/UploadReport');
    const event = { uploadId, idempotencyKey: 'exec-6/StartEtlJob', taskToken: TOKEN, callbackBaseUrl: CALLBACKS };

    const { result, logs } = await captureLogs(() => startEtlJobHandler(event, lambdaContext()));

    expect(result).toEqual({ jobId: expect.stringMatching(/^job-/) });
    expect(JSON.parse(logs[0])).toEqual({ event: { ...event, taskToken: MASK } });
  });

  it('check-etl-job answers the status, and its errors keep their names through Middy', async () => {
    process.env.BI_API_URL = bi.url;

    await expect(captureLogs(() => checkEtlJobHandler({ jobId: 'job-missing' }, lambdaContext())))
      .rejects.toMatchObject({ name: HandlerErrorName.BiJobNotFound });
  });
});

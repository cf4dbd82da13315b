/**
 * The handlers as the local Lambda runtime runs them: their own Node 24 process, the module loaded
 * from its TypeScript source, environment from the function's configuration, and errors reported
 * with the names the workflows' Retry and Catch match on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { HandlerErrorName } from '../../../handlers/shared/errors.ts';
import { invokeJson, lambdaRuntimes } from '../lambda/runtimes.ts';
import { type BiFake, startBiFake } from './support/bi-fake.ts';

const runtimes = lambdaRuntimes();
const handlerPath = (name: string) => fileURLToPath(new URL(`../../../handlers/${name}/index.ts`, import.meta.url));

let bi: BiFake;
beforeAll(async () => {
  bi = await startBiFake();
});
afterAll(() => bi.close());

describe('handlers under the local Lambda runtime', () => {
  it('check-etl-job answers a job status, and an unknown job fails with errorType BI.JobNotFound', async () => {
    const runtime = runtimes.create({
      functions: {
        // their idempotency layer is under test in idempotency.test.ts, here it would need a table
        'upload-report': { handler: handlerPath('upload-report'), environment: { BI_API_URL: bi.url, POWERTOOLS_IDEMPOTENCY_DISABLED: 'true' } },
        'start-etl-job': { handler: handlerPath('start-etl-job'), environment: { BI_API_URL: bi.url, POWERTOOLS_IDEMPOTENCY_DISABLED: 'true' } },
        'check-etl-job': { handler: handlerPath('check-etl-job'), environment: { BI_API_URL: bi.url } },
      },
    });
    const upload = await invokeJson(runtime, 'upload-report', { bucket: 'b', key: 'k', taskToken: 't', callbackBaseUrl: 'http://127.0.0.1:9', idempotencyKey: 'e/Upload' });
    const job = await invokeJson(runtime, 'start-etl-job', { uploadId: upload.payload.uploadId, idempotencyKey: 'e/Start' });

    const status = await invokeJson(runtime, 'check-etl-job', { jobId: job.payload.jobId });
    const missing = await invokeJson(runtime, 'check-etl-job', { jobId: 'job-missing' });

    expect(status.payload).toEqual({ status: 'RUNNING', progress: 0 });
    expect(missing.functionError).toBe('Unhandled');
    expect(missing.payload.errorType).toBe(HandlerErrorName.BiJobNotFound);
  });

  it('reports a missing environment variable as Handler.Configuration', async () => {
    const runtime = runtimes.create({ functions: { 'check-etl-job': { handler: handlerPath('check-etl-job') } } });

    const answer = await invokeJson(runtime, 'check-etl-job', { jobId: 'job-1' });

    expect(answer.payload.errorType).toBe(HandlerErrorName.Configuration);
  });
});

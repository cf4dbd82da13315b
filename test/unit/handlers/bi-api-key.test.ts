/** The BI API key: the handlers send it as X-Api-Key, the local BI simulator insists on it. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { startBiSimulator, type BiSimulator } from '../../../local/bi-simulator/simulator.ts';
import { checkEtlJob, checkEtlJobDependencies } from '../../../handlers/check-etl-job/check-etl-job.ts';
import { HandlerErrorName } from '../../../handlers/shared/errors.ts';

const KEY = 'issued-by-the-bi-service';
let bi: BiSimulator;
beforeAll(async () => {
  bi = await startBiSimulator({ scheduler: new VirtualScheduler(0), webhookSecret: 's', apiKey: KEY });
});
afterAll(() => bi.stop());

describe('the BI API key', () => {
  it('is sent from BI_API_KEY, and the request gets past the key check', async () => {
    // the job does not exist: a 404, which only a request with the right key gets to
    await expect(checkEtlJob({ jobId: 'job-none' }, checkEtlJobDependencies({ BI_API_URL: bi.url, BI_API_KEY: KEY }))).rejects.toMatchObject({ name: HandlerErrorName.BiJobNotFound });
  });

  it.each([
    ['a wrong key', { BI_API_KEY: 'stale' }],
    ['no key', {}],
  ])('is refused as BI.Unauthorized with %s', async (_what, keyEnv) => {
    await expect(checkEtlJob({ jobId: 'job-none' }, checkEtlJobDependencies({ BI_API_URL: bi.url, ...keyEnv }))).rejects.toMatchObject({
      name: HandlerErrorName.BiUnauthorized,
      message: expect.stringContaining('answered 401 Unauthorized'),
    });
  });

  it('is read once from the secret BI_API_KEY_ARN names, through the Parameters and Secrets extension', async () => {
    // Prepare: the extension answers on localhost:2773; everything else goes to the simulator
    const extensionCalls: string[] = [];
    const fetchFn: typeof fetch = async (url, init) => {
      if (String(url).startsWith('http://localhost:2773/')) {
        extensionCalls.push(String(url));
        return new Response(JSON.stringify({ SecretString: KEY }), { status: 200 });
      }
      return fetch(url, init);
    };
    const deps = checkEtlJobDependencies({ BI_API_URL: bi.url, BI_API_KEY_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bi-key', AWS_SESSION_TOKEN: 't' }, fetchFn);
    // Act
    const first = checkEtlJob({ jobId: 'job-a' }, deps);
    const second = checkEtlJob({ jobId: 'job-b' }, deps);
    // Assess
    await expect(first).rejects.toMatchObject({ name: HandlerErrorName.BiJobNotFound });
    await expect(second).rejects.toMatchObject({ name: HandlerErrorName.BiJobNotFound });
    expect(extensionCalls).toEqual([`http://localhost:2773/secretsmanager/get?secretId=${encodeURIComponent('arn:aws:secretsmanager:us-east-1:123456789012:secret:bi-key')}`]);
  });
});

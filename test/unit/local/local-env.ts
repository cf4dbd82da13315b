/**
 * The local services for a test file: fauxqs started in this process on a free 127.0.0.1 port,
 * SDK clients pointed at it, and engines on a virtual clock with the local integrations
 * registered.
 */
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createTestEngine, type TestEngine, type TestEngineOptions } from '../../support/engine-env.ts';
import type { ExecutionOutcome } from '../../../engine/runtime/interpreter.ts';
import { startLocalServices, type LocalServices } from '../../../local/services/local-services.ts';
import { LocalClients } from '../../../local/services/clients.ts';
import { Outbox } from '../../../local/integrations/outbox.ts';
import type { RawRequest } from '../../support/raw-http.ts';
import { registerLocalIntegrations } from '../../../local/integrations/register.ts';

export interface LocalEnv {
  services: LocalServices;
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
}

/** A fresh temporary folder, removed after the test file. */
export function tempDirs(): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'longhaul-local-'));
    made.push(d);
    return d;
  };
}

/**
 * Starts the local services before the file's tests and stops them after.
 *
 * @example
 * const local = localServices();
 * it('...', async () => { await local().s3.send(new CreateBucketCommand({ Bucket: 'in' })); });
 */
export function localServices(): () => LocalEnv {
  let env: LocalEnv | undefined;
  let clients: LocalClients | undefined;
  beforeAll(async () => {
    const services = await startLocalServices({});
    clients = new LocalClients(services.endpoint);
    env = { services, s3: clients.s3('us-east-1'), sqs: clients.sqs('us-east-1'), sns: clients.sns('us-east-1') };
  });
  afterAll(async () => {
    clients?.destroy();
    await env?.services.stop();
  });
  return () => env!;
}

export interface LocalTestEngine extends TestEngine {
  outbox: Outbox;
}

/**
 * Engines on a virtual clock with every local integration registered against `local()`'s
 * services; torn down after each test.
 */
export function localEngines(local: () => LocalEnv): (opts?: TestEngineOptions & { dataDir?: string }) => LocalTestEngine {
  const open: { env: TestEngine; close: () => void }[] = [];
  afterEach(() => {
    for (const { env, close } of open.splice(0)) {
      close();
      env.teardown();
    }
  });
  return (opts = {}) => {
    const env = createTestEngine(opts);
    const outbox = new Outbox({ dataDir: opts.dataDir });
    const close = registerLocalIntegrations(env.engine, { endpoint: local().services.endpoint, outbox });
    open.push({ env, close });
    return Object.assign(env, { outbox });
  };
}

/** A bucket, queue or topic name no other test uses. */
let names = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++names}`;
}

/** A succeeded execution's output object (a failed one throws, naming its error). */
export function outputOf(outcome: ExecutionOutcome): Record<string, unknown> {
  if (outcome.status !== 'SUCCEEDED') throw new Error(`the execution ended ${outcome.status}: ${outcome.error} ${outcome.cause}`);
  return outcome.output as Record<string, unknown>;
}

/** The cause text of a failed execution, or of the error a Catch put in a succeeded one's output. */
export function causeOf(outcome: ExecutionOutcome): string {
  return outcome.status === 'SUCCEEDED' ? String(outputOf(outcome).Cause) : String(outcome.cause);
}

/** An HTML form upload (POST Object) of `content` to `key`, with extra form fields before the file. */
export function formPost(bucket: string, key: string, content: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}): RawRequest {
  const boundary = '----longhaul-form-boundary';
  const parts = Object.entries({ key, ...fields }).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="report.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return { method: 'POST', path: `/${bucket}`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers }, body: parts.join('') + file };
}

/** The form fields of a SigV4 presigned POST (values need not verify: no local service checks credentials). */
export const PRESIGNED_FIELDS = {
  'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
  'X-Amz-Credential': 'longhaul/20240101/us-east-1/s3/aws4_request',
  'X-Amz-Date': '20240101T000000Z',
  Policy: Buffer.from('{"expiration":"2100-01-01T00:00:00Z","conditions":[]}').toString('base64'),
  'X-Amz-Signature': '0'.repeat(64),
};

/**
 * What a function sees of its surroundings: its environment (its own variables, Lambda's, the
 * local endpoints for the AWS SDK, nothing of the host process), its context object, and the
 * configuration checks Lambda applies when a function is registered.
 */
import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readFunctionsConfig, type FunctionConfig } from '../../../local/lambda/config.ts';
import { InvalidFunctionConfig } from '../../../local/lambda/errors.ts';
import { endpointVariables } from '../../../local/lambda/runtime.ts';
import { fixture, invokeJson, lambdaRuntimes } from './runtimes.ts';

const runtimes = lambdaRuntimes();

describe('a function environment', () => {
  it('holds the function variables, Lambda variables, dummy credentials and the local endpoints, and nothing of the host', async () => {
    // Prepare
    const runtime = runtimes.create({
      region: 'eu-west-1',
      endpoints: { default: 'http://127.0.0.1:4566', S3: 'http://127.0.0.1:4567', SQS: 'http://127.0.0.1:4568', SNS: 'http://127.0.0.1:4569', SFN: 'http://127.0.0.1:8083' },
      functions: { env: { handler: fixture('env.ts'), memorySize: 256, environment: { REPORT_BUCKET: 'reports', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324' } } },
    });
    const names = [
      'REPORT_BUCKET', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL_SNS', 'AWS_ENDPOINT_URL_SFN',
      'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
      'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_EXECUTION_ENV', 'TZ', 'NODE_OPTIONS', 'JEST_WORKER_ID',
    ];

    // Act
    const { payload } = await invokeJson(runtime, 'env', { names });

    // Assess
    expect(payload).toEqual({
      REPORT_BUCKET: 'reports',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4567',
      // the function's own setting wins over the runtime's endpoints
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
      AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:4569',
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:8083',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: 'test',
      AWS_LAMBDA_FUNCTION_NAME: 'env',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/env',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      TZ: ':UTC',
      NODE_OPTIONS: null,
      JEST_WORKER_ID: null,
    });
  });

  it('gives the handler a context with the function, the request and the invoked ARN', async () => {
    const runtime = runtimes.create({ region: 'eu-west-1', accountId: '111122223333', functions: { counter: { handler: fixture('counter.ts'), memorySize: 512 } } });

    const { requestId, payload } = await invokeJson(runtime, 'counter', {}, { qualifier: 'prod' });

    expect(payload.context).toEqual({
      functionName: 'counter',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:counter:prod',
      memoryLimitInMB: '512',
      awsRequestId: requestId,
      logGroupName: '/aws/lambda/counter',
      logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
      callbackWaitsForEmptyEventLoop: true,
      remainingMs: expect.any(Number),
    });
  });

  it('lets the AWS SDK inside a handler reach the local endpoint with no code change', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ QueueUrls: ['http://127.0.0.1/000000000000/jobs'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const runtime = runtimes.create({ region: 'eu-west-1', endpoints: { SQS: `http://127.0.0.1:${port}` }, functions: { sdk: { handler: fixture('sdk-list-queues.mjs'), timeout: 10 } } });

      const { functionError, payload } = await invokeJson(runtime, 'sdk');

      expect(functionError).toBeUndefined();
      expect(payload).toEqual({ queueUrls: ['http://127.0.0.1/000000000000/jobs'] });
      expect(seen).toHaveLength(1);
      expect(seen[0]['x-amz-target']).toBe('AmazonSQS.ListQueues');
      expect(seen[0].authorization).toMatch(/Credential=test\/\d{8}\/eu-west-1\/sqs\/aws4_request/);
    } finally {
      server.close();
    }
  });

  it('maps endpoints to the variables the AWS SDK v3 reads, by service id', () => {
    expect(endpointVariables({ default: 'http://a', SFN: 'http://b', EventBridge: 'http://c', 'Secrets Manager': 'http://d' })).toEqual({
      AWS_ENDPOINT_URL: 'http://a',
      AWS_ENDPOINT_URL_SFN: 'http://b',
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://c',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://d',
    });
  });
});

describe('function configuration', () => {
  it.each<[string, string, Partial<FunctionConfig>, string]>([
    ['a reserved variable', 'fn', { environment: { AWS_REGION: 'us-west-2' } }, 'Reserved keys used in this request: AWS_REGION'],
    ['a timeout above 900 seconds', 'fn', { timeout: 901 }, "Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"],
    ['a memory size below 128 MB', 'fn', { memorySize: 64 }, "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"],
    ['a concurrency of 0', 'fn', { concurrency: 0 }, "Value '0' at 'concurrency'"],
    ['a function name with a dot', 'my.fn', {}, "Value 'my.fn' at 'functionName'"],
    ['a variable that is not a string', 'fn', { environment: { RETRIES: 3 as unknown as string } }, "at 'environment.variables.RETRIES'"],
  ])('refuses %s as Lambda does', (_case, name, config, message) => {
    const runtime = runtimes.create();

    const register = () => runtime.register(name, { handler: fixture('counter.mjs'), ...config });

    expect(register).toThrow(InvalidFunctionConfig);
    expect(register).toThrow(message);
  });

  it('reads a functions file, resolving handlers against its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-functions-'));
    try {
      const file = join(dir, 'functions.json');
      const handler = `${relative(dir, fixture('counter.ts'))}#handler`;
      writeFileSync(file, JSON.stringify({ functions: { counter: { handler, timeout: 30, memorySize: 256, environment: { STAGE: 'local' }, concurrency: 2 } } }));

      const [fn] = readFunctionsConfig(file);
      const runtime = runtimes.create({ configFile: file });
      const { payload } = await invokeJson(runtime, 'counter', { from: 'file' });

      expect(fn).toEqual({
        name: 'counter',
        handlerSpec: handler,
        modulePath: fixture('counter.ts'),
        exportName: 'handler',
        timeoutSeconds: 30,
        memorySize: 256,
        environment: { STAGE: 'local' },
        concurrency: 2,
      });
      expect(payload).toMatchObject({ language: 'typescript', event: { from: 'file' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { receiveCallback, type CallbackReceiverDependencies } from '../../../handlers/callback-receiver/callback-receiver.ts';
import type { CallbackRequest } from '../../../handlers/callback-receiver/schema.ts';
import { handler } from '../../../handlers/callback-receiver/index.ts';
import { signWebhook } from '../../../handlers/shared/webhook.ts';
import { MASK } from '../../../handlers/shared/logging.ts';
import { captureLogs, lambdaContext } from './support/bi-fake.ts';

const SECRET = 'whsec-test';
const TOKEN = 'AQB8AAAAKgAAAAMAAAAA+token/with=reserved&chars';
const NOW = 1_790_000_000;
const sfnMock = mockClient(SFNClient);

afterEach(() => {
  sfnMock.reset();
  delete process.env.BI_WEBHOOK_SECRET;
});

function deps(extra: Partial<CallbackReceiverDependencies> = {}): CallbackReceiverDependencies {
  return { sfn: new SFNClient({}), secret: SECRET, now: () => NOW * 1000, ...extra };
}

/** The request target for a token, as handlers/shared/input.ts builds callback URLs. */
const targetFor = (token: string) => `/callbacks?token=${encodeURIComponent(token)}`;
const TARGET = targetFor(TOKEN);

function signed(event: Record<string, unknown>, t = NOW, secret = SECRET): CallbackRequest {
  const rawBody = JSON.stringify({ id: 'evt-1', sentAt: '2026-09-21T00:00:00Z', ...event });
  return { method: 'POST', target: TARGET, signature: signWebhook(secret, `https://abc.execute-api.eu-west-1.amazonaws.com${TARGET}`, rawBody, t), rawBody };
}

describe('callback-receiver', () => {
  it.each([
    ['upload.processed', SendTaskSuccessCommand],
    ['job.succeeded', SendTaskSuccessCommand],
  ] as const)('turns %s into SendTaskSuccess with the webhook body as output', async (type, command) => {
    const request = signed({ type, status: 'DONE' });

    const response = await receiveCallback(request, deps());

    expect(response).toMatchObject({ statusCode: 200, body: '{"accepted":true}' });
    expect(sfnMock).toHaveReceivedCommandWith(command, { taskToken: TOKEN, output: request.rawBody });
  });

  it.each([
    ['upload.failed', 'BI.UploadFailed'],
    ['job.failed', 'BI.JobFailed'],
  ])('turns %s into SendTaskFailure with error %s and the webhook error as cause', async (type, error) => {
    const response = await receiveCallback(signed({ type, error: 'disk full' }), deps());

    expect(response.statusCode).toBe(200);
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: TOKEN, error, cause: 'disk full' });
  });

  it('turns job.heartbeat into SendTaskHeartbeat', async () => {
    await receiveCallback(signed({ type: 'job.heartbeat', progress: 40 }), deps());

    expect(sfnMock).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: TOKEN });
  });

  it.each([
    ['a missing signature', { ...signed({ type: 'job.succeeded' }), signature: undefined }, 'SignatureMissing'],
    ['a signature made with another secret', signed({ type: 'job.succeeded' }, NOW, 'not-the-secret'), 'SignatureMismatch'],
    ['a body changed after signing', { ...signed({ type: 'job.failed', error: 'x' }), rawBody: JSON.stringify({ id: 'evt-1', type: 'job.succeeded' }) }, 'SignatureMismatch'],
    ["a webhook signed for another token's callback URL", { ...signed({ type: 'job.succeeded' }), target: targetFor('another-execution-token') }, 'SignatureMismatch'],
    ['a webhook signed for another path', { ...signed({ type: 'job.succeeded' }), target: `/elsewhere?token=${encodeURIComponent(TOKEN)}` }, 'SignatureMismatch'],
    ['a timestamp 301 s old', signed({ type: 'job.succeeded' }, NOW - 301), 'TimestampOutOfTolerance'],
    ['a timestamp 301 s ahead', signed({ type: 'job.succeeded' }, NOW + 301), 'TimestampOutOfTolerance'],
  ])('answers 401 to %s and tells Step Functions nothing', async (_what, request, code) => {
    const response = await receiveCallback(request, deps());

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: code });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('accepts a timestamp 300 s old', async () => {
    expect((await receiveCallback(signed({ type: 'job.heartbeat' }, NOW - 300), deps())).statusCode).toBe(200);
  });

  it.each([
    ['a body that is not an event', { ...signed({}), rawBody: 'null' }, 400],
    ['an unknown event type', signed({ type: 'job.exploded' }), 400],
    ['no token', { ...signed({ type: 'job.succeeded' }), target: '/callbacks' }, 400],
    ['a GET', { ...signed({ type: 'job.succeeded' }), method: 'GET' }, 405],
  ])('refuses %s with a 4xx and tells Step Functions nothing', async (_what, request, status) => {
    // a body that is not an event must still be signed to get past the signature check
    const resigned = request.rawBody === 'null' || request.target === '/callbacks' ? { ...request, signature: signWebhook(SECRET, request.target, request.rawBody, NOW) } : request;

    expect((await receiveCallback(resigned, deps())).statusCode).toBe(status);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 410 when the task has already ended, so a replayed success changes nothing', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }));

    const response = await receiveCallback(signed({ type: 'job.succeeded' }), deps());

    expect(response.statusCode).toBe(410);
  });

  it('answers 502 when Step Functions cannot be told, so the BI service sends again', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    expect((await receiveCallback(signed({ type: 'job.succeeded' }), deps())).statusCode).toBe(502);
  });

  it('refuses an event id the replay guard has seen with 409', async () => {
    const seen = new Set<string>();
    const replayGuard = { accept: async (id: string) => !seen.has(id) && Boolean(seen.add(id)) };
    const request = signed({ type: 'job.succeeded' });

    const first = await receiveCallback(request, deps({ replayGuard }));
    const replay = await receiveCallback(request, deps({ replayGuard }));

    expect([first.statusCode, replay.statusCode]).toEqual([200, 409]);
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('runs end to end through Middy from a Function URL event, masking the token and the signature', async () => {
    process.env.BI_WEBHOOK_SECRET = SECRET;
    const rawBody = JSON.stringify({ id: 'evt-9', type: 'job.succeeded', jobId: 'job-1', status: 'SUCCEEDED', sentAt: new Date().toISOString() });
    const signature = signWebhook(SECRET, `https://abc.execute-api.eu-west-1.amazonaws.com${TARGET}`, rawBody, Math.floor(Date.now() / 1000));
    const event = {
      version: '2.0',
      rawPath: '/callbacks',
      rawQueryString: `token=${encodeURIComponent(TOKEN)}`,
      queryStringParameters: { token: TOKEN },
      headers: { 'content-type': 'application/json', 'x-bi-signature': signature },
      requestContext: { http: { method: 'POST', path: '/callbacks' } },
      body: Buffer.from(rawBody).toString('base64'),
      isBase64Encoded: true,
    };

    const { result, logs } = await captureLogs(() => handler(event, lambdaContext()));

    expect(result).toMatchObject({ statusCode: 200 });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN, output: rawBody });
    const logged = JSON.parse(logs[0]).event;
    expect(logged.queryStringParameters.token).toBe(MASK);
    expect(logged.rawQueryString).toBe(MASK);
    expect(logged.headers['x-bi-signature']).toBe(MASK);
    expect(logs.join('\n')).not.toContain('token/with');
    expect(logs.join('\n')).not.toContain(signature);
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it("answers 401 through Middy to a signed HTTP API webhook replayed to another token's URL, and settles nothing", async () => {
    // Prepare: a webhook captured on its way to execution A's callback URL
    process.env.BI_WEBHOOK_SECRET = SECRET;
    const rawBody = JSON.stringify({ id: 'evt-10', type: 'job.succeeded', jobId: 'job-1', status: 'SUCCEEDED', sentAt: new Date().toISOString() });
    const signature = signWebhook(SECRET, targetFor('token-of-A'), rawBody, Math.floor(Date.now() / 1000));
    const sentTo = (token: string) => ({
      version: '2.0',
      rawPath: '/callbacks',
      rawQueryString: `token=${encodeURIComponent(token)}`,
      queryStringParameters: { token },
      headers: { 'content-type': 'application/json', 'x-bi-signature': signature },
      requestContext: { http: { method: 'POST', path: '/callbacks' } },
      body: rawBody,
    });
    // Act
    const { result } = await captureLogs(() => handler(sentTo('token-of-B'), lambdaContext()));
    // Assess
    expect(result).toMatchObject({ statusCode: 401 });
    expect(JSON.parse((result as { body: string }).body)).toMatchObject({ error: 'SignatureMismatch' });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('settles the token of the signed raw query string, whatever the parsed parameters say', async () => {
    // Prepare
    process.env.BI_WEBHOOK_SECRET = SECRET;
    const rawBody = JSON.stringify({ id: 'evt-11', type: 'job.succeeded', status: 'SUCCEEDED' });
    const event = {
      rawPath: '/callbacks',
      rawQueryString: `token=${encodeURIComponent(TOKEN)}`,
      queryStringParameters: { token: 'token-of-B' },
      headers: { 'x-bi-signature': signWebhook(SECRET, TARGET, rawBody, Math.floor(Date.now() / 1000)) },
      requestContext: { http: { method: 'POST', path: '/callbacks' } },
      body: rawBody,
    };
    // Act
    const { result } = await captureLogs(() => handler(event, lambdaContext()));
    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('answers a forged Function URL request 401 through Middy', async () => {
    process.env.BI_WEBHOOK_SECRET = SECRET;
    const event = {
      queryStringParameters: { token: TOKEN },
      headers: { 'x-bi-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      requestContext: { http: { method: 'POST' } },
      body: JSON.stringify({ id: 'evt-x', type: 'job.succeeded' }),
    };

    const { result } = await captureLogs(() => handler(event, lambdaContext()));

    expect(result).toMatchObject({ statusCode: 401 });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });
});

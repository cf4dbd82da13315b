/**
 * Every port the local stack opens (the Step Functions API and console, S3/SQS/SNS, SES, the
 * callback receiver, the BI simulator) answers only this machine's own clients: a request through
 * a DNS-rebinding name or from another site's page is refused with 403 before anything is read,
 * while the same request from a local client (no Origin, a loopback Host) is served. Each server
 * refuses a body over its limit from its Content-Length, without it being sent, and drops the
 * connection.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { startLocalStack, type LocalStack } from '../../../local/stack.ts';
import { rawRequest, type RawRequest } from '../../support/raw-http.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ scheduler: new VirtualScheduler(0), onLambdaLog: () => {} });
});
afterAll(async () => {
  await stack?.stop();
});

/** A request each port serves, and how to reach the port. */
const PORTS: [string, () => string, RawRequest][] = [
  ['the Step Functions API', () => stack.api.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, body: '{}' }],
  ['the console', () => stack.api.url, { method: 'GET', path: '/console/' }],
  ['S3, SQS and SNS', () => stack.services.endpoint, { method: 'GET', path: '/' }],
  ['SES', () => stack.ses.url, { method: 'POST', path: '/v2/email/outbound-emails', headers: { 'content-type': 'application/json' }, body: '{}' }],
  ['Secrets Manager', () => stack.secrets.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' }, body: '{}' }],
  ['the callback receiver', () => stack.callbacks.url, { method: 'POST', path: '/callbacks?token=t', headers: { 'content-type': 'application/json' }, body: '{}' }],
  ['the BI simulator', () => stack.bi.url, { method: 'GET', path: '/uploads/none', headers: { 'x-api-key': 'longhaul-local-bi-api-key' } }],
];

const FOREIGN: [string, Record<string, string>][] = [
  ['a DNS-rebinding Host', { host: 'rebind.attacker.example' }],
  ['another site\'s Origin', { origin: 'https://attacker.example' }],
];

describe('every port of the local stack', () => {
  it.each(PORTS.flatMap(([port, url, request]) => FOREIGN.map(([why, headers]) => [port, why, url, request, headers] as const)))(
    '%s refuses a request with %s with HTTP 403',
    async (_port, _why, url, request, headers) => {
      // Act
      const answer = await rawRequest(url(), { ...request, headers: { ...request.headers, ...headers } });

      // Assess
      expect(answer.status).toBe(403);
    },
  );

  it.each(PORTS)('%s serves the same request from a local client', async (_port, url, request) => {
    // Act
    const answer = await rawRequest(url(), request);

    // Assess
    expect(answer.status).not.toBe(403);
    expect(answer.status).toBeLessThan(500);
  });

  it.each<[string, () => string, RawRequest]>([
    ['SES', () => stack.ses.url, { method: 'POST', path: '/v2/email/outbound-emails', headers: { 'content-type': 'application/json' } }],
    ['the callback receiver', () => stack.callbacks.url, { method: 'POST', path: '/callbacks?token=t', headers: { 'content-type': 'application/json' } }],
    ['the BI simulator', () => stack.bi.url, { method: 'POST', path: '/uploads', headers: { 'content-type': 'application/json', 'x-api-key': 'longhaul-local-bi-api-key' } }],
  ])('%s refuses a body over its limit from its Content-Length, before it is sent, and drops the connection', async (_port, url, request) => {
    // Act
    const answer = await rawRequest(url(), { ...request, declaredLength: 1024 ** 3, awaitClose: true });

    // Assess
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect({ sent: answer.sentBytes, closed: answer.closed }).toEqual({ sent: 0, closed: true });
  });

  it.each<[string, () => string, RawRequest]>([
    ['the callback receiver', () => stack.callbacks.url, { method: 'POST', path: '/callbacks?token=t', headers: { 'content-type': 'application/json' } }],
    ['the BI simulator', () => stack.bi.url, { method: 'POST', path: '/uploads', headers: { 'content-type': 'application/json', 'x-api-key': 'longhaul-local-bi-api-key' } }],
  ])('%s refuses a streamed body once it passes the limit, before the client finished sending', async (_port, url, request) => {
    // Act: a chunked body that would go on to 64 MiB, and never ends
    const answer = await rawRequest(url(), { ...request, stream: { chunkBytes: 16 * 1024, maxBytes: 64 * 1024 * 1024 }, awaitClose: true });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.sentBytes).toBeLessThan(64 * 1024 * 1024);
    expect(answer.closed).toBe(true);
  });
});

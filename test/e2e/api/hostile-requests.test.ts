/**
 * Requests meant to harm the API server or act through it are refused in AWS's shape, start and
 * store nothing, and leave the server answering: a payload nested too deep for the engine to
 * serialize, bodies over the limit (refused from their Content-Length, or as soon as a streamed
 * body passes it, without reading the rest), unknown targets (refused before the body is read),
 * and requests from a web page: a DNS-rebinding Host or another site's Origin.
 */
import { describe, it, expect, afterEach } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import {
  CreateStateMachineCommand, DescribeStateMachineCommand, ListStateMachinesCommand, UpdateStateMachineCommand, ValidateStateMachineDefinitionCommand, SendTaskSuccessCommand, StartExecutionCommand,
  StartSyncExecutionCommand, TestStateCommand,
} from '@aws-sdk/client-sfn';
import { fakeTasks } from '../../support/engine-env.ts';
import { rawRequest, type RawRequest } from '../../support/raw-http.ts';
import { MAX_JSON_DEPTH } from '../../../engine/json-limits.ts';
import { startApiServer, type ApiServer } from '../../../engine/api/server.ts';
import { ROLE_ARN, apiEnvs, definition, rejection, until, type ApiEnv } from './api-env.ts';

const apiEnv = apiEnvs();
const ASK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const PASS = definition({ P: { Type: 'Pass', End: true } });
const CALLBACK = definition({ Ask: { Type: 'Task', Resource: ASK, End: true } });

/** JSON nested `levels` deep: the shape of the input that took the server down (~4,500 levels, 9 KB). */
function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '[1]' + '}'.repeat(levels - 1);
}

/** A raw StartExecution request, as a page or a script would send it. */
function startRequest(env: ApiEnv, stateMachineArn: string, headers: Record<string, string> = {}): RawRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution', ...headers },
    body: JSON.stringify({ stateMachineArn, input: '{}' }),
  };
}

/** Executions of a machine, Express ones included (ListExecutions does not list those). */
function executionsOf(env: ApiEnv, stateMachineArn: string): number {
  return env.engine.engine.listExecutions({ stateMachineArn }).length;
}

/** The server still answers a plain request. */
async function probe(env: ApiEnv): Promise<number> {
  return (await env.sfn.send(new ListStateMachinesCommand({}))).stateMachines!.length;
}

describe('a payload nested deeper than the engine can serialize', () => {
  it.each<[string, string, (env: ApiEnv, arns: { standard: string; express: string; token: string }) => Promise<unknown>]>([
    ['StartExecution input', 'InvalidExecutionInput', (env, a) => env.sfn.send(new StartExecutionCommand({ stateMachineArn: a.standard, input: nested(4500) }))],
    ['StartSyncExecution input', 'InvalidExecutionInput', (env, a) => env.syncSfn.send(new StartSyncExecutionCommand({ stateMachineArn: a.express, input: nested(4500) }))],
    ['SendTaskSuccess output', 'InvalidOutput', (env, a) => env.sfn.send(new SendTaskSuccessCommand({ taskToken: a.token, output: nested(4500) }))],
    ['TestState input', 'InvalidExecutionInput', (env) => env.syncSfn.send(new TestStateCommand({ definition: '{"Type":"Pass","End":true}', roleArn: ROLE_ARN, input: nested(4500) }))],
    ['TestState variables', 'ValidationException', (env) => env.syncSfn.send(new TestStateCommand({ definition: '{"Type":"Pass","End":true}', roleArn: ROLE_ARN, variables: `{"v":${nested(4500)}}` }))],
    ['StartExecution input one level past the limit', 'InvalidExecutionInput', (env, a) => env.sfn.send(new StartExecutionCommand({ stateMachineArn: a.standard, input: nested(MAX_JSON_DEPTH + 1) }))],
  ])('in the %s is refused with HTTP 400 %s, starts nothing, and the server keeps answering', async (_member, type, act) => {
    // Prepare
    const tasks = fakeTasks({ [ASK]: () => ({ MessageId: 'm-1' }) });
    const env = await apiEnv({ tasks });
    const standard = (await env.sfn.send(new CreateStateMachineCommand({ name: 'standard', definition: CALLBACK, roleArn: ROLE_ARN }))).stateMachineArn!;
    const express = (await env.sfn.send(new CreateStateMachineCommand({ name: 'express', definition: PASS, roleArn: ROLE_ARN, type: 'EXPRESS' }))).stateMachineArn!;
    await env.sfn.send(new StartExecutionCommand({ stateMachineArn: standard, name: 'waiting' }));
    await until(() => tasks.tokens.length === 1, 'the task token');

    // Act
    const refusal = await rejection(act(env, { standard, express, token: tasks.tokens[0] }));

    // Assess
    expect({ name: refusal.name, status: refusal.status }).toEqual({ name: type, status: 400 });
    expect(refusal.message).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
    expect(executionsOf(env, standard)).toBe(1);
    expect(executionsOf(env, express)).toBe(0);
    expect(await probe(env)).toBe(2);
  });

  it('is accepted at the limit, and its execution succeeds with the input as its output', async () => {
    // Prepare
    const env = await apiEnv();
    const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name: 'deep', definition: PASS, roleArn: ROLE_ARN, type: 'EXPRESS' }));

    // Act
    const result = await env.syncSfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: nested(MAX_JSON_DEPTH) }));

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe(nested(MAX_JSON_DEPTH));
  });
});

describe('a definition nested deeper than the definition checker can walk', () => {
  /** A Pass state whose Parameters nest 5,000 levels (the checker overflowed the stack near that). */
  const deepDefinition = definition({ P: { Type: 'Pass', Parameters: { deep: 0 }, End: true } }).replace('{"deep":0}', nested(5000));

  it.each<[string, (env: ApiEnv, existing: string) => Promise<unknown>]>([
    ['CreateStateMachine', (env) => env.sfn.send(new CreateStateMachineCommand({ name: 'deep', definition: deepDefinition, roleArn: ROLE_ARN }))],
    ['UpdateStateMachine', (env, existing) => env.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: existing, definition: deepDefinition }))],
    ['TestState', (env) => env.syncSfn.send(new TestStateCommand({ definition: deepDefinition, roleArn: ROLE_ARN, stateName: 'P' }))],
  ])('is refused by %s with HTTP 400 InvalidDefinition, and no machine changes', async (_action, act) => {
    // Prepare
    const env = await apiEnv();
    const existing = (await env.sfn.send(new CreateStateMachineCommand({ name: 'existing', definition: PASS, roleArn: ROLE_ARN }))).stateMachineArn!;

    // Act
    const refusal = await rejection(act(env, existing));

    // Assess
    expect({ name: refusal.name, status: refusal.status }).toEqual({ name: 'InvalidDefinition', status: 400 });
    expect(await probe(env)).toBe(1);
    expect((await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: existing }))).definition).toBe(PASS);
  });

  it('fails ValidateStateMachineDefinition with a diagnostic that says why', async () => {
    // Prepare
    const env = await apiEnv();

    // Act
    const result = await env.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: deepDefinition }));

    // Assess
    expect(result.result).toBe('FAIL');
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'INVALID_JSON_DESCRIPTION', message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH} levels`) })]);
  });
});

describe('a request body over the limit', () => {
  it('is refused from its Content-Length with HTTP 413 before any of it is sent, and the connection is closed', async () => {
    // Prepare
    const env = await apiEnv();

    // Act
    const answer = await rawRequest(env.server.url, {
      method: 'POST', declaredLength: 100 * 1024 * 1024, awaitClose: true,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
    });

    // Assess
    expect({ status: answer.status, type: answer.headers['x-amzn-errortype'], sent: answer.sentBytes, closed: answer.closed })
      .toEqual({ status: 413, type: 'ValidationException', sent: 0, closed: true });
    expect(await probe(env)).toBe(0);
  });

  it('is refused as soon as a streamed body passes the limit, before the client finished sending, and no more of it is read', async () => {
    // Prepare
    const env = await apiEnv();

    // Act: a chunked body that would go on to 64 MiB, and never ends
    const answer = await rawRequest(env.server.url, {
      method: 'POST', stream: { chunkBytes: 64 * 1024, maxBytes: 64 * 1024 * 1024 }, awaitClose: true,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
    });

    // Assess
    expect({ status: answer.status, type: answer.headers['x-amzn-errortype'], closed: answer.closed }).toEqual({ status: 413, type: 'ValidationException', closed: true });
    expect(answer.sentBytes).toBeLessThan(64 * 1024 * 1024);
    expect(await probe(env)).toBe(0);
  });

  it('of an action that takes a definition may be larger than the others', async () => {
    // Prepare
    const env = await apiEnv();
    const big = definition({ P: { Type: 'Pass', Result: 'x'.repeat(1_000_000), End: true } });

    // Act
    const created = await env.sfn.send(new CreateStateMachineCommand({ name: 'big', definition: big, roleArn: ROLE_ARN }));

    // Assess
    expect(created.stateMachineArn).toMatch(/:stateMachine:big$/);
  });
});

describe('an unknown X-Amz-Target', () => {
  it('is refused with UnknownOperationException before its body is sent, and the connection is closed', async () => {
    // Prepare
    const env = await apiEnv();

    // Act
    const answer = await rawRequest(env.server.url, {
      method: 'POST', declaredLength: 512 * 1024, awaitClose: true,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.LaunchRockets' },
    });

    // Assess
    expect({ status: answer.status, type: answer.headers['x-amzn-errortype'], sent: answer.sentBytes, closed: answer.closed })
      .toEqual({ status: 400, type: 'UnknownOperationException', sent: 0, closed: true });
  });
});

/** POSTs `body` to `target` through `agent`; answers the status and whether the agent reused a connection. */
function agentPost(agent: Agent, env: ApiEnv, target: string, body: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port: env.server.port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a connection after a request refused before its body was read', () => {
  it('stays usable for the client\'s next request when the body was small', async () => {
    // Prepare
    const env = await apiEnv();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await agentPost(agent, env, 'AWSStepFunctions.ListStateMachines', '{}');

    // Act
    const refused = await agentPost(agent, env, 'AWSStepFunctions.LaunchRockets', JSON.stringify({ pad: 'x'.repeat(1000) }));
    const next = await agentPost(agent, env, 'AWSStepFunctions.ListStateMachines', '{}');
    agent.destroy();

    // Assess
    expect([refused, next]).toEqual([{ status: 400, reused: true }, { status: 200, reused: true }]);
  });
});

describe('a request from a web page', () => {
  it.each<[string, Record<string, string>]>([
    ['a DNS-rebinding Host', { host: 'rebind.attacker.example:8083' }],
    ['a Host that only starts like a loopback one', { host: '127.0.0.1.attacker.example' }],
    ['another site\'s Origin', { origin: 'https://attacker.example' }],
    ['the Origin of another local port', { origin: 'http://127.0.0.1:1' }],
    ['an opaque Origin (a sandboxed frame)', { origin: 'null' }],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('with %s is refused with HTTP 403 AccessDeniedException and starts nothing', async (_case, headers) => {
    // Prepare
    const env = await apiEnv();
    const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name: 'target', definition: PASS, roleArn: ROLE_ARN }));

    // Act
    const answer = await rawRequest(env.server.url, startRequest(env, stateMachineArn!, headers));

    // Assess
    expect({ status: answer.status, type: answer.headers['x-amzn-errortype'] }).toEqual({ status: 403, type: 'AccessDeniedException' });
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'com.amazon.coral.service#AccessDeniedException' });
    expect(executionsOf(env, stateMachineArn!)).toBe(0);
  });

  it.each<[string, (port: number) => Record<string, string>]>([
    ['the console\'s own origin', (port) => ({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' })],
    ['the console opened as localhost', (port) => ({ host: `localhost:${port}`, origin: `http://localhost:${port}` })],
    ['an IPv6 loopback Host', (port) => ({ host: `[::1]:${port}` })],
    ['a *.localhost Host', (port) => ({ host: `api.localhost:${port}` })],
    ['no Origin, as the SDK and the CLI send', (port) => ({ host: `127.0.0.1:${port}` })],
  ])('is served when it comes from %s', async (_case, headers) => {
    // Prepare
    const env = await apiEnv();
    const { stateMachineArn } = await env.sfn.send(new CreateStateMachineCommand({ name: 'target', definition: PASS, roleArn: ROLE_ARN }));

    // Act
    const answer = await rawRequest(env.server.url, startRequest(env, stateMachineArn!, headers(env.server.port)));

    // Assess
    expect(answer.status).toBe(200);
    expect(executionsOf(env, stateMachineArn!)).toBe(1);
  });
});

describe('API answers', () => {
  it('forbid framing', async () => {
    // Prepare
    const env = await apiEnv();

    // Act
    const answer = await rawRequest(env.server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, body: '{}' });

    // Assess
    expect(answer.headers).toMatchObject({ 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" });
  });
});

describe('the console', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function consoleServer(): Promise<ApiServer> {
    const env = await apiEnv();
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    const server = await startApiServer({ engine: env.engine.engine, consoleDir: dir });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => server.close());
    return server;
  }

  it.each(['/console/', '/console/missing.js', '/'])('answers GET %s with headers that forbid framing it', async (path) => {
    // Prepare
    const server = await consoleServer();

    // Act
    const answer = await rawRequest(server.url, { path });

    // Assess
    expect(answer.headers).toMatchObject({ 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" });
  });

  it('is not served to a DNS-rebinding Host', async () => {
    // Prepare
    const server = await consoleServer();

    // Act
    const answer = await rawRequest(server.url, { path: '/console/', headers: { host: `rebind.attacker.example:${server.port}` } });

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('<title>console</title>');
  });
});

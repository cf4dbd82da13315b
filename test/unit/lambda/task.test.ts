/**
 * Lambda as Step Functions sees it, shared by every runner: which resources are Lambda tasks and
 * how they show in history, the task error a failed invocation becomes, the checks on the raw
 * response, and function references in their name and ARN forms.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { TaskFailure } from '../../../engine/runtime/integrations.ts';
import { parseFunctionRef } from '../../../local/lambda/arn.ts';
import { functionFailure, invokeApiOutput, invokePayload, lambdaTaskFlavor, parseResponse } from '../../../local/lambda/task.ts';

function failureOf(act: () => unknown): { error: string; cause: string | undefined } {
  try {
    act();
  } catch (e) {
    if (e instanceof TaskFailure) return { error: e.error, cause: e.causeText };
    throw e;
  }
  throw new Error('no TaskFailure thrown');
}

describe('Lambda task flavours', () => {
  it.each<[string, string, object | undefined]>([
    ['a function ARN runs as LambdaFunction* events', 'arn:aws:lambda:us-east-1:123456789012:function:poll', { kind: 'lambda', resource: 'arn:aws:lambda:us-east-1:123456789012:function:poll' }],
    ['a qualified function ARN too', 'arn:aws:lambda:us-east-1:123456789012:function:poll:prod', { kind: 'lambda' }],
    ['lambda:invoke runs as Task* events, request-response', 'arn:aws:states:::lambda:invoke', { kind: 'service', resourceType: 'lambda', resource: 'invoke', pattern: 'request' }],
    ['lambda:invoke.waitForTaskToken waits for a callback', 'arn:aws:states:::lambda:invoke.waitForTaskToken', { kind: 'service', resource: 'invoke.waitForTaskToken', pattern: 'waitForTaskToken' }],
    ['another service is not a Lambda task', 'arn:aws:states:::sqs:sendMessage', undefined],
  ])('%s', (_behaviour, resource, flavor) => {
    // Act
    const actual = lambdaTaskFlavor(resource);

    // Assess
    if (flavor === undefined) expect(actual).toBeUndefined();
    else expect(actual).toMatchObject(flavor);
  });
});

describe('a failed invocation as a task error', () => {
  it('is named by the error payload errorType, with the payload text as cause', () => {
    const payload = '{"errorMessage":"RequestId: r-1 Error: Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"}';

    const failure = failureOf(() => {
      throw functionFailure(payload);
    });

    expect(failure).toEqual({ error: 'Sandbox.Timedout', cause: payload });
  });

  it.each([
    ['a payload without errorType', '{"errorMessage":"2022-01-13T00:58:08.879Z r-1 Task timed out after 60.06 seconds"}'],
    ['a payload that is not JSON', 'Internal failure'],
  ])('is Lambda.Unknown for %s, with the cause text Step Functions gives', (_case, payload) => {
    const failure = failureOf(() => {
      throw functionFailure(payload);
    });

    expect(failure).toEqual({ error: 'Lambda.Unknown', cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${payload}` });
  });
});

describe('a function response as a task result', () => {
  it('fails with States.DataLimitExceeded above 256 KiB, measured on the raw text', () => {
    const text = JSON.stringify('é'.repeat(140 * 1024));

    const failure = failureOf(() => parseResponse(text, 'lambda'));

    expect(failure).toEqual({ error: 'States.DataLimitExceeded', cause: "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit." });
  });

  it('fails with Lambda.AWSLambdaException when the raw response is not JSON', () => {
    const failure = failureOf(() => parseResponse('not json', 'lambda'));

    expect(failure.error).toBe('Lambda.AWSLambdaException');
  });

  it.each<[string, 200 | 202, JsonValue, object]>([
    ['a synchronous invocation carries its payload, version and status 200', 200, { ok: true }, { ExecutedVersion: '$LATEST', Payload: { ok: true }, StatusCode: 200, SdkResponseMetadata: { RequestId: 'r-1' } }],
    ['an asynchronous (Event) invocation answers 202 with an empty payload', 202, '', { Payload: '', StatusCode: 202 }],
  ])('lambda:invoke: %s', (_behaviour, statusCode, payload, expected) => {
    const result = { requestId: 'r-1', statusCode, payload: statusCode === 200 ? JSON.stringify(payload) : '', ...(statusCode === 200 ? { executedVersion: '$LATEST' } : {}) };

    const output = invokeApiOutput(result, payload, { now: () => Date.UTC(2024, 0, 1), uuid: () => '00000000-0000-4000-8000-000000000001' }) as Record<string, JsonValue>;

    expect(output).toMatchObject(expected);
    expect('ExecutedVersion' in output).toBe(statusCode === 200);
    expect(output.SdkHttpMetadata).toMatchObject({ HttpStatusCode: statusCode, HttpHeaders: { Date: 'Mon, 01 Jan 2024 00:00:00 GMT', 'x-amzn-RequestId': 'r-1' } });
  });
});

describe('the lambda:invoke request body', () => {
  // Recorded on AWS (services/test_lambda_task_service, test_invoke_json_values): a string Payload
  // holding JSON text reaches the function as that JSON, not as a string (Content-Length 12 for "\"HelloWorld\"").
  it.each<[string, JsonValue | undefined, string]>([
    ['a string holding a JSON string is sent as its text', '"HelloWorld"', '"HelloWorld"'],
    ['a string holding a JSON number is sent as the number', '0', '0'],
    ['a string holding JSON true is sent as true', 'true', 'true'],
    ['a string holding an empty object is sent as the object', '{}', '{}'],
    ['a string that is not JSON text is encoded as a string', 'hello', '"hello"'],
    ['an object is encoded', { a: 1 }, '{"a":1}'],
    ['no Payload sends an empty object', undefined, '{}'],
  ])('%s', (_behaviour, payload, body) => {
    expect(invokePayload(payload)).toBe(body);
  });
});

describe('function references', () => {
  it.each<[string, { name: string; qualifier?: string }]>([
    ['poll', { name: 'poll' }],
    ['poll:prod', { name: 'poll', qualifier: 'prod' }],
    ['123456789012:function:poll', { name: 'poll' }],
    ['arn:aws:lambda:eu-west-1:123456789012:function:poll', { name: 'poll' }],
    ['arn:aws:lambda:eu-west-1:123456789012:function:poll:$LATEST', { name: 'poll', qualifier: '$LATEST' }],
  ])('%s names function %j', (ref, expected) => {
    expect(parseFunctionRef(ref)).toEqual(expected);
  });
});

/**
 * The protocol's pieces on their own: error bodies, request member readers with AWS's
 * validation texts, ARN checks, page tokens and the wire forms of executions and events.
 */
import { describe, it, expect } from '@jest/globals';
import { ApiError } from '../../../engine/engine.ts';
import { checkArn, executionArn, stateMachineArn } from '../../../engine/api/arns.ts';
import {
  errorBody, optionalEnum, optionalInt, pageSize, pageToken, payloadString, readPageToken, requiredString, tagList, type ApiRequest,
} from '../../../engine/api/protocol.ts';
import { executionDescription, historyEvent } from '../../../engine/api/wire.ts';
import type { ExecutionRow } from '../../../engine/store/sqlite.ts';

/** The ApiError `act` throws, as `{ type, message }`. */
function refusal(act: () => unknown): { type: string; message: string } {
  try {
    act();
  } catch (e) {
    if (e instanceof ApiError) return { type: e.type, message: e.message };
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('errorBody', () => {
  it.each([
    ['ExecutionDoesNotExist', 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist'],
    ['ValidationException', 'com.amazon.coral.validate#ValidationException'],
    ['SerializationException', 'com.amazon.coral.service#SerializationException'],
    ['UnknownOperationException', 'com.amazon.coral.service#UnknownOperationException'],
  ])('qualifies %s with the namespace AWS sends', (type, qualified) => {
    expect(errorBody(type, 'text')).toEqual({ __type: qualified, message: 'text' });
  });
});

describe('request members', () => {
  it.each<[string, () => unknown, string, string]>([
    ['a missing required string', () => requiredString({}, 'name'), 'ValidationException', "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"],
    ['a string that is too long', () => requiredString({ name: 'x'.repeat(81) }, 'name', 80), 'ValidationException', 'Member must have length less than or equal to 80'],
    ['a number where a string belongs', () => requiredString({ name: 5 }, 'name'), 'SerializationException', "member 'name'"],
    ['an integer above its bound', () => optionalInt({ maxResults: 1001 }, 'maxResults', 0, 1000), 'ValidationException', 'Member must have value less than or equal to 1000'],
    ['a value outside an enum', () => optionalEnum({ type: 'FAST' }, 'type', ['STANDARD', 'EXPRESS']), 'ValidationException', 'Member must satisfy enum value set: [STANDARD, EXPRESS]'],
    ['a payload over 256 KiB in UTF-8 bytes', () => payloadString({ input: JSON.stringify('é'.repeat(131_072)) }, 'input'), 'ValidationException', "Value at 'input' failed to satisfy constraint"],
    ['a tag without a key', () => tagList({ tags: [{ value: 'v' }] }, 'tags'), 'ValidationException', "Value null at 'key'"],
  ])('refuses %s', (_case, act, type, message) => {
    const r = refusal(act);

    expect(r.type).toBe(type);
    expect(r.message).toContain(message);
  });

  it('accepts a payload of exactly 256 KiB', () => {
    const input = JSON.stringify('x'.repeat(256 * 1024 - 2));

    expect(payloadString({ input }, 'input')).toBe(input);
  });

  it.each<[ApiRequest, number]>([[{}, 100], [{ maxResults: 0 }, 100], [{ maxResults: 7 }, 7]])('reads the page size of %j as %d', (req, size) => {
    expect(pageSize(req)).toBe(size);
  });
});

describe('ARNs', () => {
  it.each([
    ['arn:aws:states:us-east-1:123456789012:stateMachine:orders', 'stateMachine'],
    ['arn:aws:states:eu-west-1:123456789012:execution:orders:run-1', 'execution'],
    ['arn:aws-cn:states:cn-north-1:123456789012:express:orders:run-1:abc', 'express'],
  ])('reads %s as a %s ARN', (arn, type) => {
    expect(checkArn(arn, ['stateMachine', 'execution', 'express'])).toBe(type);
  });

  it.each<[string, () => unknown, string]>([
    ['a name', () => stateMachineArn('orders'), "Invalid Arn: 'Invalid ARN prefix: orders'"],
    ['an account id that is not 12 digits', () => stateMachineArn('arn:aws:states:us-east-1:123:stateMachine:orders'), 'Invalid ARN prefix'],
    ['an execution ARN for a state machine', () => stateMachineArn('arn:aws:states:us-east-1:123456789012:execution:orders:r'), "Invalid Arn: 'Resource type not valid in this context: execution'"],
    ['an Express execution ARN where only Standard executions are kept', () => executionArn('arn:aws:states:us-east-1:123456789012:express:o:r:id'), 'Resource type not valid in this context: express'],
  ])('refuses %s with InvalidArn', (_case, act, message) => {
    expect(refusal(act)).toEqual({ type: 'InvalidArn', message: expect.stringContaining(message) });
  });
});

describe('page tokens', () => {
  const isAfter = (v: unknown): v is { after: number } => typeof v === 'object' && v !== null && typeof (v as { after: unknown }).after === 'number';

  it('reads back the position it wrote', () => {
    expect(readPageToken(pageToken({ after: 42 }), isAfter)).toEqual({ after: 42 });
  });

  it.each(['not base64 json', Buffer.from('{"other":1}').toString('base64')])('refuses the token %j with InvalidToken', (token) => {
    expect(refusal(() => readPageToken(token, isAfter)).type).toBe('InvalidToken');
  });
});

describe('wire forms', () => {
  const row: ExecutionRow = {
    arn: 'arn:aws:states:us-east-1:123456789012:execution:m:r', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', name: 'r',
    status: 'FAILED', definitionHash: 'h', input: '{}', output: null, error: 'E', cause: 'C', startMs: 1_704_067_200_000, stopMs: 1_704_067_201_500,
    redriveCount: 0, redriveMs: null, snapshot: null, meta: '{}',
  };

  it('describes an execution with epoch-second dates, no null fields, and its redrive status', () => {
    expect(executionDescription(row)).toEqual({
      executionArn: row.arn, stateMachineArn: row.stateMachineArn, name: 'r', status: 'FAILED', startDate: 1_704_067_200, stopDate: 1_704_067_201.5,
      input: '{}', inputDetails: { included: true }, error: 'E', cause: 'C', redriveCount: 0, redriveStatus: 'REDRIVABLE',
    });
  });

  it('gives a running execution no stop date and a reason it cannot be redriven', () => {
    const d = executionDescription({ ...row, status: 'RUNNING', stopMs: null, error: null, cause: null });

    expect(d).not.toHaveProperty('stopDate');
    expect(d).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is RUNNING and cannot be redriven' });
  });

  it('renders an event with its timestamp in epoch seconds, and without payloads when asked', () => {
    const ev = { id: 2, previousEventId: 0, timestamp: 1_704_067_200_250, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'P', input: '{"a":1}', inputDetails: { truncated: false } } };

    expect(historyEvent(ev, true)).toEqual({ ...ev, timestamp: 1_704_067_200.25 });
    expect(historyEvent(ev, false)).toEqual({ id: 2, previousEventId: 0, timestamp: 1_704_067_200.25, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'P' } });
  });
});

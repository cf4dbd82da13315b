import { afterEach, describe, expect, it } from '@jest/globals';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { executionName, isValidExecutionName, MAX_EXECUTION_NAME_LENGTH } from '../../../handlers/start-from-s3/execution-name.ts';
import { handler } from '../../../handlers/start-from-s3/index.ts';
import { parseS3ObjectCreated } from '../../../handlers/start-from-s3/schema.ts';
import { startFromS3 } from '../../../handlers/start-from-s3/start-from-s3.ts';
import { captureLogs, lambdaContext } from './support/bi-fake.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:report-etl';
const sfnMock = mockClient(SFNClient);

afterEach(() => {
  sfnMock.reset();
  delete process.env.STATE_MACHINE_ARN;
});

function eventBridgeEvent(key: string, object: Record<string, string> = { sequencer: '0055AED6DCD90281E5' }) {
  return {
    version: '0',
    id: 'evt-1',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    detail: { bucket: { name: 'reports' }, object: { key, size: 10, etag: 'e1', ...object }, reason: 'PutObject' },
  };
}

/** An SQS event of one record, as the event source mapping (batch size 1) delivers it. */
function sqsEvent(body: string) {
  return { Records: [{ messageId: 'm-1', receiptHandle: 'rh-1', body, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:trigger', awsRegion: 'us-east-1' }] };
}

/** A fake StartExecution that behaves as AWS does for names: a second start of a name is refused. */
function rememberNames(): Set<string> {
  const names = new Set<string>();
  sfnMock.on(StartExecutionCommand).callsFake((input: { name: string }) => {
    if (names.has(input.name)) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${input.name}'`, $metadata: {} });
    names.add(input.name);
    return { executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date(0) };
  });
  return names;
}

describe('reading S3 events', () => {
  it.each([
    ['an EventBridge event with a version id', eventBridgeEvent('q3/sales report.csv', { 'version-id': 'v1', sequencer: 's1' }),
      { bucket: 'reports', key: 'q3/sales report.csv', versionId: 'v1', sequencer: 's1' }],
    ['an S3 notification, whose keys are URL-encoded', { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'reports' }, object: { key: 'q3/sales+report%2B1.csv', versionId: 'v2', sequencer: 's2' } } }] },
      { bucket: 'reports', key: 'q3/sales report+1.csv', versionId: 'v2', sequencer: 's2' }],
    ['one notification record', { s3: { bucket: { name: 'reports' }, object: { key: 'a.csv', sequencer: 's3' } } },
      { bucket: 'reports', key: 'a.csv', sequencer: 's3' }],
  ])('reads %s', (_what, event, expected) => {
    expect(parseS3ObjectCreated(event)).toEqual(expected);
  });

  it('reads the EventBridge event inside an SQS record, as the deployed rule -> queue -> function delivers it', () => {
    // Prepare
    const inner = eventBridgeEvent('q3/sales report.csv', { 'version-id': 'v1', sequencer: 's1' });
    const event = sqsEvent(JSON.stringify(inner));

    // Act
    const object = parseS3ObjectCreated(event);

    // Assess
    expect(object).toEqual({ bucket: 'reports', key: 'q3/sales report.csv', versionId: 'v1', sequencer: 's1' });
  });

  it.each([
    ['two SQS records, of which one would be dropped', { Records: [sqsEvent('{}').Records[0], sqsEvent('{}').Records[0]] }],
    ['an SQS body that is not JSON', sqsEvent('not json')],
    ['an SQS body that is not an S3 event', sqsEvent('{"hello":"world"}')],
  ])('rejects %s', (_what, event) => {
    expect(() => parseS3ObjectCreated(event)).toThrow(expect.objectContaining({ name: 'Handler.InvalidInput' }));
  });

  it('rejects an event that is neither', () => {
    expect(() => parseS3ObjectCreated({ hello: 'world' })).toThrow(expect.objectContaining({ name: 'Handler.InvalidInput' }));
  });
});

describe('execution names', () => {
  it('gives the same object version the same name, and another version another name', () => {
    const v1 = { bucket: 'reports', key: 'q3.csv', versionId: 'v1' };

    expect(executionName(v1)).toBe(executionName({ ...v1 }));
    expect(executionName(v1)).not.toBe(executionName({ ...v1, versionId: 'v2' }));
    expect(executionName({ bucket: 'reports', key: 'q3.csv', sequencer: 'A1' })).not.toBe(executionName({ bucket: 'reports', key: 'q3.csv', sequencer: 'A2' }));
  });

  it.each([
    ['a short key', 'q3.csv'],
    ['a 1,024-character key', `${'deep/'.repeat(200)}file.csv`],
    ['forbidden characters', 'a b/<c>{d}[e]?*"#%\\^|~`$&,;:\u0001.csv'],
    ['non-ASCII', 'rapports/été/日本語.csv'],
    ['only forbidden characters', '///'],
  ])('keeps names valid and at most 80 characters for %s', (_what, key) => {
    const name = executionName({ bucket: 'my-reports-bucket-with-a-rather-long-name', key, versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo' });

    expect(name.length).toBeLessThanOrEqual(MAX_EXECUTION_NAME_LENGTH);
    expect(isValidExecutionName(name)).toBe(true);
    expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('tells apart keys that clean and cut to the same readable text', () => {
    const long = 'x'.repeat(100);

    expect(executionName({ bucket: 'b', key: 'a/b', versionId: 'v' })).not.toBe(executionName({ bucket: 'b', key: 'a_b', versionId: 'v' }));
    expect(executionName({ bucket: 'b', key: `${long}1`, versionId: 'v' })).not.toBe(executionName({ bucket: 'b', key: `${long}2`, versionId: 'v' }));
  });
});

describe('start-from-s3', () => {
  it('starts report-etl named after the object version with the object as input', async () => {
    rememberNames();
    const object = { bucket: 'reports', key: 'q3.csv', versionId: 'v1' };

    const result = await startFromS3(object, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE });

    expect(result).toEqual({ executionArn: expect.stringContaining(':execution:report-etl:'), name: executionName(object), started: true });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE,
      name: executionName(object),
      input: JSON.stringify({ bucket: 'reports', key: 'q3.csv', versionId: 'v1' }),
    });
  });

  it('answers the same execution, as success, when the same event comes twice', async () => {
    const names = rememberNames();
    const deps = { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE };
    const object = parseS3ObjectCreated(eventBridgeEvent('q3.csv'));

    const first = await startFromS3(object, deps);
    const second = await startFromS3(object, deps);

    expect(second).toEqual({ ...first, started: false });
    expect(names.size).toBe(1);
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('lets other StartExecution errors through', async () => {
    sfnMock.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(startFromS3({ bucket: 'b', key: 'k', sequencer: 's' }, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE }))
      .rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('refuses an object with neither version id nor sequencer rather than naming all its writes alike', async () => {
    await expect(startFromS3({ bucket: 'b', key: 'k' }, { sfn: new SFNClient({}), stateMachineArn: STATE_MACHINE }))
      .rejects.toMatchObject({ name: 'Handler.InvalidInput' });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('runs end to end through Middy from an SQS record, as deployed', async () => {
    rememberNames();
    process.env.STATE_MACHINE_ARN = STATE_MACHINE;
    const event = sqsEvent(JSON.stringify(eventBridgeEvent('in/q4.csv', { 'version-id': 'v7' })));

    const { result } = await captureLogs(() => handler(event, lambdaContext()));

    expect(result).toMatchObject({ started: true, name: executionName({ bucket: 'reports', key: 'in/q4.csv', versionId: 'v7' }) });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE, input: JSON.stringify({ bucket: 'reports', key: 'in/q4.csv', versionId: 'v7' }) });
  });

  it('runs end to end through Middy: EventBridge event in, execution out, logged', async () => {
    rememberNames();
    process.env.STATE_MACHINE_ARN = STATE_MACHINE;
    const event = eventBridgeEvent('in/q3.csv');

    const { result, logs } = await captureLogs(() => handler(event, lambdaContext()));

    expect(result).toMatchObject({ started: true, name: executionName({ bucket: 'reports', key: 'in/q3.csv', sequencer: '0055AED6DCD90281E5' }) });
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ event }, { response: result }]);
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { HandlerErrorName } from '../../../handlers/shared/errors.ts';
import { scheduledExecutionName } from '../../../handlers/start-on-schedule/execution-name.ts';
import { handler } from '../../../handlers/start-on-schedule/index.ts';
import { parseScheduledTick } from '../../../handlers/start-on-schedule/schema.ts';
import { startOnSchedule } from '../../../handlers/start-on-schedule/start-on-schedule.ts';
import { isValidExecutionName } from '../../../handlers/start-from-s3/execution-name.ts';
import { captureLogs, lambdaContext } from './support/bi-fake.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly-export';
const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'us-east-1' });
const TICK = { schedule: 'nightly-export', scheduledTime: '2026-12-06T02:00:00Z', executionId: 'attempt-1', input: { resultsPrefix: 'results/' } };

afterEach(() => {
  sfnMock.reset();
  delete process.env.STATE_MACHINE_ARN;
});

describe('the execution name of a schedule tick', () => {
  it.each([
    ['a whole-second tick', 'nightly-export', '2026-12-06T02:00:00Z', 'nightly-export-20261206T020000Z'],
    ['a tick with milliseconds', 'nightly-export', '2026-12-06T02:00:00.000Z', 'nightly-export-20261206T020000Z'],
    ['a tick with an offset', 'nightly-export', '2026-12-06T03:00:00+01:00', 'nightly-export-20261206T020000Z'],
    ['a schedule name with characters a name refuses', 'my schedule:1', '2026-12-06T02:00:00Z', 'my_schedule_1-20261206T020000Z'],
  ])('is <schedule>-<yyyyMMddTHHmmssZ> for %s', (_what, schedule, time, expected) => {
    const name = scheduledExecutionName(schedule, time);

    expect(name).toBe(expected);
    expect(isValidExecutionName(name)).toBe(true);
  });

  it('fits 80 characters for a long schedule name, keeping the whole tick', () => {
    const name = scheduledExecutionName('s'.repeat(120), '2026-12-06T02:00:00Z');

    expect(name).toHaveLength(80);
    expect(name.endsWith('-20261206T020000Z')).toBe(true);
  });

  it.each([
    ['an unfilled placeholder', { ...TICK, scheduledTime: '<aws.scheduler.scheduled-time>' }],
    ['no schedule', { scheduledTime: TICK.scheduledTime }],
    ['an input that is not an object', { ...TICK, input: 'x' }],
  ])('refuses %s as Handler.InvalidInput', (_what, event) => {
    expect(() => parseScheduledTick(event)).toThrow(expect.objectContaining({ name: HandlerErrorName.InvalidInput }));
  });
});

describe('start-on-schedule', () => {
  it('starts the execution named after the tick, with the tick in its input but not the attempt', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:nightly-export-20261206T020000Z` });
    // Act
    const result = await startOnSchedule(parseScheduledTick(TICK), { sfn, stateMachineArn: STATE_MACHINE });
    // Assess
    expect(result).toEqual({ executionArn: expect.stringMatching(/:nightly-export-20261206T020000Z$/), name: 'nightly-export-20261206T020000Z', started: true });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE,
      name: 'nightly-export-20261206T020000Z',
      input: JSON.stringify({ resultsPrefix: 'results/', schedule: 'nightly-export', scheduledTime: '2026-12-06T02:00:00Z' }),
    });
  });

  it('answers a tick delivered again as done, not started, when the execution already exists', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    // Act
    const result = await startOnSchedule(parseScheduledTick({ ...TICK, executionId: 'attempt-2' }), { sfn, stateMachineArn: STATE_MACHINE });
    // Assess
    expect(result).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nightly-export:nightly-export-20261206T020000Z',
      name: 'nightly-export-20261206T020000Z',
      started: false,
    });
  });

  it('passes other StartExecution failures on, for Scheduler to retry', async () => {
    sfnMock.on(StartExecutionCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    await expect(startOnSchedule(parseScheduledTick(TICK), { sfn, stateMachineArn: STATE_MACHINE })).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('runs end to end through Middy with STATE_MACHINE_ARN from the environment', async () => {
    process.env.STATE_MACHINE_ARN = STATE_MACHINE;
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x' });

    const { result } = await captureLogs(() => handler(TICK, lambdaContext()));

    expect(result).toEqual({ executionArn: 'arn:x', name: 'nightly-export-20261206T020000Z', started: true });
  });
});

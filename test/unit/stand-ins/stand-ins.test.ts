/** Stand-ins answer for services that cannot run locally, on the engine's virtual clock. */
import { describe, it, expect } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { patternMatches } from '../../../local/stand-ins/stand-ins.ts';
import { START_MS, detailsOf, eventTypes, eventsOf, payloadOf, secondsAfterStart, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();
const standIn = (name: string) => fileURLToPath(new URL(`../../support/stand-ins/${name}.mjs`, import.meta.url));
const GLUE_SYNC = 'arn:aws:states:::glue:startJobRun.sync';

const glueJob = (extra: object = {}) => ({
  StartAt: 'Load',
  States: { Load: { Type: 'Task', Resource: GLUE_SYNC, Parameters: { JobName: 'nightly-load' }, End: true, ...extra } },
});

describe('a .sync stand-in', () => {
  it('runs a 40-minute Glue job on the virtual clock: submitted at once, succeeded 40 minutes later', async () => {
    // Prepare
    const env = testEngine({ standIns: { 'glue:startJobRun.sync': standIn('glue-job') } });
    const realStart = Date.now();

    // Act
    const { outcome, history } = await env.run(glueJob());

    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { JobName: 'nightly-load', JobRunState: 'SUCCEEDED' } });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(eventsOf(history, 'TaskScheduled')[0])).toMatchObject({ resourceType: 'glue', resource: 'startJobRun.sync' });
    expect(payloadOf(eventsOf(history, 'TaskSubmitted')[0], 'output')).toEqual({ JobRunId: `jr_${START_MS}` });
    expect(secondsAfterStart(history, 'TaskSubmitted')).toEqual([0]);
    expect(secondsAfterStart(history, 'TaskSucceeded')).toEqual([40 * 60]);
    expect(Date.now() - realStart).toBeLessThan(10_000);
  });

  it('fails with the error name the stand-in threw, which a Catch catches', async () => {
    // Prepare
    const env = testEngine({ standIns: { 'glue:*': standIn('busy-glue') } });
    const definition = {
      StartAt: 'Load',
      States: {
        Load: {
          Type: 'Task', Resource: GLUE_SYNC, Parameters: { JobName: 'nightly-load' }, End: true,
          Catch: [{ ErrorEquals: ['Glue.ConcurrentRunsExceededException'], ResultPath: '$.error', Next: 'TryLater' }],
        },
        TryLater: { Type: 'Pass', End: true },
      },
    };

    // Act
    const { outcome, history } = await env.run(definition, {});

    // Assess
    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: { error: { Error: 'Glue.ConcurrentRunsExceededException', Cause: 'Job nightly-load has too many concurrent runs' } },
    });
    expect(detailsOf(eventsOf(history, 'TaskFailed')[0])).toMatchObject({ resourceType: 'glue', resource: 'startJobRun.sync', error: 'Glue.ConcurrentRunsExceededException' });
  });
});

describe('a .waitForTaskToken stand-in', () => {
  it('answers its task token later through the engine, on the virtual clock', async () => {
    // Prepare
    const env = testEngine({ standIns: { 'ecs:runTask.waitForTaskToken': standIn('approval') } });
    const definition = {
      StartAt: 'Review',
      States: { Review: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.waitForTaskToken', Parameters: { 'Token.$': '$$.Task.Token' }, End: true } },
    };

    // Act
    const { outcome, history } = await env.run(definition, {});

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { approvedBy: 'stand-in', sawToken: true } });
    expect(payloadOf(eventsOf(history, 'TaskSubmitted')[0], 'output')).toMatchObject({ Tasks: [{ TaskArn: expect.any(String) }] });
    expect(secondsAfterStart(history, 'TaskSucceeded')).toEqual([15 * 60]);
  });
});

describe('a Task with neither an emulator nor a stand-in', () => {
  it('fails the execution with a message naming the standIns key and a module to write', async () => {
    // Prepare
    const env = testEngine({ standIns: {} });
    const definition = {
      StartAt: 'Query',
      States: { Query: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:athena:startQueryExecution', Parameters: { QueryString: 'SELECT 1' }, End: true } },
    };

    // Act
    const { outcome } = await env.run(definition, {});

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const cause = (outcome as { cause: string }).cause;
    expect(cause).toContain('(aws-sdk:athena:startQueryExecution) has neither a local emulator nor a stand-in');
    expect(cause).toContain('"standIns": { "aws-sdk:athena:startQueryExecution": "standins/athena-startQueryExecution.mjs" }');
    expect(cause).toContain('export');
  });
});

describe('patternMatches', () => {
  it.each<[string, string, boolean]>([
    ['glue:startJobRun.sync', 'glue:startJobRun.sync', true],
    ['glue:startJobRun', 'glue:startJobRun.sync', false],
    ['glue:*', 'glue:startJobRun.sync', true],
    ['aws-sdk:sagemaker:*', 'aws-sdk:sagemaker:createTrainingJob', true],
    ['*.waitForTaskToken', 'ecs:runTask.waitForTaskToken', true],
    ['*.waitForTaskToken', 'ecs:runTask.sync', false],
    ['batch:submitJob.sync', 'batchXsubmitJob.sync', false],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(patternMatches(pattern, name)).toBe(expected);
  });
});

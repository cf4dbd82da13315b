import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestEnvironment, type Execution, type TestEnvironment } from '../../testing/index.ts';
import { matchers } from '../../testing/jest.ts';

expect.extend(matchers);

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const etl = {
  StartAt: 'StartEtlJob',
  States: {
    StartEtlJob: { Type: 'Task', Resource: lambda('start'), Next: 'CheckEtlJob' },
    CheckEtlJob: {
      Type: 'Task', Resource: lambda('check'), Next: 'Done',
      Retry: [{ ErrorEquals: ['EtlNotReady'], IntervalSeconds: 60, MaxAttempts: 5, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Notify' }],
    },
    Notify: { Type: 'Pass', Result: { notified: true }, End: true },
    Done: { Type: 'Pass', Result: { status: 'DONE' }, End: true },
  },
};

let env: TestEnvironment;
let ready: Execution;
let broken: Execution;

beforeAll(async () => {
  env = await createTestEnvironment({
    stateMachines: { etl },
    functions: { start: () => ({ jobId: 'j-1' }), check: () => ({}) },
    mockConfig: {
      StateMachines: { etl: { TestCases: { ReadyAfterThreePolls: { CheckEtlJob: 'NotReadyThrice' }, JobFails: { CheckEtlJob: 'JobFailed' } } } },
      MockedResponses: {
        NotReadyThrice: { '0-2': { Throw: { Error: 'EtlNotReady' } }, '3': { Return: { state: 'DONE' } } },
        JobFailed: { '0': { Throw: { Error: 'EtlFailed', Cause: 'bad rows' } } },
      },
    },
  });
  ready = await env.startAndWait('etl', {}, { testCase: 'ReadyAfterThreePolls' });
  broken = await env.startAndWait('etl', {}, { testCase: 'JobFails' });
});

afterAll(() => env.teardown());

describe('the execution matchers', () => {
  it('pass on what the history shows', () => {
    expect(ready).toHaveVisited('StartEtlJob');
    expect(ready).toHaveRetried('CheckEtlJob', 3);
    expect(ready).toHaveSucceededWith({ status: 'DONE' });
    expect(broken).toHaveBeenCaughtAt('Notify');
    expect(broken).toHaveBeenCaughtAt('Notify', 'EtlFailed');
    expect(ready).not.toHaveVisited('Notify');
    expect(ready).not.toHaveBeenCaughtAt('Notify');
  });

  it.each([
    ['toHaveVisited', () => expect(ready).toHaveVisited('Notify'), /to visit "Notify"[\s\S]*States visited: StartEtlJob -> CheckEtlJob -> Done/],
    ['toHaveRetried', () => expect(ready).toHaveRetried('CheckEtlJob', 1), /retried 1 time\(s\); it was retried 3 time\(s\)/],
    ['toHaveBeenCaughtAt', () => expect(ready).toHaveBeenCaughtAt('Notify'), /No error was caught\.[\s\S]*States visited: StartEtlJob -> CheckEtlJob -> Done/],
    ['toHaveBeenCaughtAt with an error name', () => expect(broken).toHaveBeenCaughtAt('Notify', 'States.Timeout'), /Caught: EtlFailed in CheckEtlJob -> Notify/],
    ['toHaveSucceededWith', () => expect(ready).toHaveSucceededWith({ status: 'FAILED' }), /It succeeded with \{"status": "DONE"\}/],
    ['not.toHaveVisited', () => expect(broken).not.toHaveVisited('Notify'), /not to visit "Notify"/],
  ])('%s fails with a message that shows the states visited', (_name, assertion, message) => {
    expect(assertion).toThrow(message);
  });

  it('refuses what is not an execution', () => {
    expect(() => expect({ executionArn: 'x' }).toHaveVisited('A')).toThrow(/expected an execution from env.waitForExecution/);
  });
});

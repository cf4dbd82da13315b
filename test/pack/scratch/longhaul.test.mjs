// Runs in a scratch project that installed only the packed `longhaul` tarball.
import { createTestEnvironment } from 'longhaul/testing';
import { matchers } from 'longhaul/testing/jest';

expect.extend(matchers);

const HOUR_MS = 3_600_000;

const definitions = {
  hourly: { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } },
  approval: {
    StartAt: 'AskApproval',
    States: {
      AskApproval: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true,
        Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } },
      },
    },
  },
  etl: {
    StartAt: 'CheckEtlJob',
    States: {
      CheckEtlJob: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'check' }, OutputPath: '$.Payload', End: true,
        Retry: [{ ErrorEquals: ['EtlNotReady'], IntervalSeconds: 300, MaxAttempts: 5, BackoffRate: 1 }],
      },
    },
  },
};

let env;
beforeAll(async () => {
  env = await createTestEnvironment({
    stateMachines: definitions,
    functions: { notify: './notify.mjs', check: () => ({ state: 'UNMOCKED' }) },
    mockConfig: './MockConfigFile.json',
    coverage: true,
  });
});
afterAll(() => env.teardown());

test('a one-hour wait takes an hour of virtual time', async () => {
  const execution = await env.startAndWait('hourly');
  expect(execution.status).toBe('SUCCEEDED');
  expect(execution.stopMs - execution.startMs).toBe(HOUR_MS);
});

test('a task token is answered from the test', async () => {
  const arn = await env.start('approval');
  const [pending] = await env.pendingTokens(arn);
  await env.sendTaskSuccess(pending.taskToken, { approved: true });
  expect(await env.waitForExecution(arn)).toHaveSucceededWith({ approved: true });
});

test('a MockConfigFile test case answers the task', async () => {
  const execution = await env.startAndWait('etl', {}, { testCase: 'SlowJob' });
  expect(execution).toHaveRetried('CheckEtlJob', 2);
  expect(execution).toHaveSucceededWith({ state: 'DONE' });
});

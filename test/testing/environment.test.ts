import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as realDelay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTestEnvironment, DEFAULT_START_MS, type TestEnvironment } from '../../testing/index.ts';
import { readCoverage } from '../../engine/coverage/collect.ts';

const HOUR_MS = 3_600_000;
const doubleModule = fileURLToPath(new URL('./fixtures/double.mjs', import.meta.url));

async function withEnv<T>(env: TestEnvironment, act: (env: TestEnvironment) => Promise<T>): Promise<T> {
  try {
    return await act(env);
  } finally {
    await env.teardown();
  }
}

const waitAnHour = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Pass', Result: 'done', End: true } } };

const approval = {
  StartAt: 'AskApproval',
  States: {
    AskApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Arguments: { FunctionName: 'notify', Payload: { token: '{% $states.context.Task.Token %}' } },
      QueryLanguage: 'JSONata',
      TimeoutSeconds: 86400,
      End: true,
    },
  },
};

describe('createTestEnvironment', () => {
  it('collects state machine coverage at teardown when asked, for the jest reporter to merge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-env-coverage-'));
    try {
      const env = await createTestEnvironment({ stateMachines: { waitAnHour }, coverage: { dir } });
      await withEnv(env, (e) => e.startAndWait('waitAnHour'));

      const [collected] = readCoverage(dir);
      expect(collected.coverage.name).toBe('waitAnHour');
      expect(readCoverage(dir)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a one-hour Wait by skipping an hour of virtual time', async () => {
    // Prepare
    const env = await createTestEnvironment({ stateMachines: { hourly: waitAnHour } });
    await withEnv(env, async () => {
      // Act
      const execution = await env.startAndWait('hourly', {});
      // Assess
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.output).toBe('done');
      expect(execution.stopMs! - execution.startMs).toBe(HOUR_MS);
      expect(env.now()).toBe(DEFAULT_START_MS + HOUR_MS);
    });
  });

  it('keeps the clock still while the test does not await the environment, and moves it by sleep()', async () => {
    const env = await createTestEnvironment({ stateMachines: { hourly: waitAnHour } });
    await withEnv(env, async () => {
      const arn = await env.start('hourly');
      await realDelay(20);
      expect(env.now()).toBe(DEFAULT_START_MS);
      await env.sleep(60_000);
      expect(env.now()).toBe(DEFAULT_START_MS + 60_000);
      expect((await env.waitForExecution(arn)).stopMs).toBe(DEFAULT_START_MS + HOUR_MS);
    });
  });

  it('answers a task token from the test', async () => {
    const env = await createTestEnvironment({ stateMachines: { approval }, functions: { notify: () => ({}) } });
    await withEnv(env, async () => {
      const arn = await env.start('approval');
      const [pending] = await env.pendingTokens(arn);
      expect(pending.stateName).toBe('AskApproval');
      await env.sendTaskSuccess(pending.taskToken, { approved: true });
      const execution = await env.waitForExecution(arn);
      expect(execution.output).toEqual({ approved: true });
    });
  });

  it('rejects waitForExecution when the execution waits on a token nothing will answer', async () => {
    const stuck = { ...approval, States: { AskApproval: { ...approval.States.AskApproval, TimeoutSeconds: undefined } } };
    const env = await createTestEnvironment({ stateMachines: { stuck }, functions: { notify: () => ({}) } });
    await withEnv(env, async () => {
      const arn = await env.start('stuck');
      await expect(env.waitForExecution(arn)).rejects.toThrow(/waits on the task token of AskApproval/);
    });
  });

  it('runs a MockConfigFile test case', async () => {
    const definition = {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'check' }, OutputPath: '$.Payload',
          Retry: [{ ErrorEquals: ['NotReady'], IntervalSeconds: 600, MaxAttempts: 3, BackoffRate: 1 }], End: true },
      },
    };
    const env = await createTestEnvironment({
      stateMachines: { etl: definition },
      mockConfig: {
        StateMachines: { etl: { TestCases: { SlowJob: { Check: 'NotReadyTwice' } } } },
        MockedResponses: { NotReadyTwice: { '0-1': { Throw: { Error: 'NotReady', Cause: 'still running' } }, '2': { Return: { StatusCode: 200, Payload: { state: 'DONE' } } } } },
      },
    });
    await withEnv(env, async () => {
      const execution = await env.startAndWait('etl', {}, { testCase: 'SlowJob' });
      expect(execution.output).toEqual({ state: 'DONE' });
      expect(execution.stopMs! - execution.startMs).toBe(2 * 600_000);
    });
  });

  it('answers Lambda tasks from a module and never skips time while a handler runs', async () => {
    let skippedDuringHandler = -1;
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double', End: true } } },
            { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:slow', Next: 'Later' }, Later: { Type: 'Wait', Seconds: 10, End: true } } },
          ],
        },
      },
    };
    const env: TestEnvironment = await createTestEnvironment({
      stateMachines: { both: definition },
      functions: {
        double: `${doubleModule}#handler`,
        'arn:aws:lambda:us-east-1:123456789012:function:slow': async () => {
          const before = env.now();
          await realDelay(30);
          skippedDuringHandler = env.now() - before;
          return {};
        },
      },
    });
    await withEnv(env, async () => {
      const execution = await env.startAndWait('both', { n: 21 });
      expect(execution.output).toEqual([{ n: 42 }, {}]);
      expect(skippedDuringHandler).toBe(0);
    });
  });

  it('fails a task from the test, and its Catch takes over', async () => {
    const caught = { ...approval, States: {
      AskApproval: { ...approval.States.AskApproval, End: undefined, Next: 'Approved', Catch: [{ ErrorEquals: ['Rejected'], Next: 'Refused' }] },
      Approved: { Type: 'Pass', End: true },
      Refused: { Type: 'Fail', Error: 'Refused' },
    } };
    const env = await createTestEnvironment({ stateMachines: { caught }, functions: { notify: () => ({}) } });
    await withEnv(env, async () => {
      const arn = await env.start('caught');
      const [pending] = await env.pendingTokens(arn, 'AskApproval');
      await env.sendTaskFailure(pending.taskToken, 'Rejected', 'no budget');
      expect(await env.waitForExecution(arn)).toMatchObject({ status: 'FAILED', error: 'Refused' });
    });
  });

  it('finds no pending token for an execution that ends without one', async () => {
    const env = await createTestEnvironment({ stateMachines: { hourly: waitAnHour } });
    await withEnv(env, async () => {
      const arn = await env.start('hourly');
      expect(await env.pendingTokens(arn)).toEqual([]);
      expect(env.now()).toBe(DEFAULT_START_MS + HOUR_MS);
    });
  });

  it('refuses a definition file whose placeholders have no value', async () => {
    const file = fileURLToPath(new URL('./fixtures/put-report.asl.json', import.meta.url));
    await expect(createTestEnvironment({ stateMachines: { report: { file } } })).rejects.toThrow(/placeholders without a value in "substitutions": \$\{ReportsBucket\}/);
  });
});

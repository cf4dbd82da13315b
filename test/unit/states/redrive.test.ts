/**
 * RedriveExecution: a failed, aborted or timed-out execution continues from the states that did
 * not succeed, with the same ARN and input; states that succeeded are not run again, and only
 * the failed or aborted iterations of a Map and branches of a Parallel run again.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { apiErrorType, eventTypes, fakeTasks, lambdaArn, taskError, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();
const PREPARE = lambdaArn('prepare');
const WORK = lambdaArn('work');

/** Fakes that count their calls per input and fail the inputs listed in `failing` until healed. */
function jobs(failing: Set<string>) {
  const calls: string[] = [];
  const tasks = fakeTasks({
    [PREPARE]: (p) => {
      calls.push('prepare');
      return p;
    },
    [WORK]: (p) => {
      const key = JSON.stringify(p);
      calls.push(key);
      if (failing.has(key)) throw taskError('Broken', `${key} is broken`);
      return { done: p };
    },
  });
  return { tasks, calls };
}

describe('RedriveExecution', () => {
  it('continues a failed execution from the state that failed, without running earlier states again', async () => {
    // Prepare
    const failing = new Set(['{"n":1}']);
    const { tasks, calls } = jobs(failing);
    const env = testEngine({ tasks });
    const definition = {
      StartAt: 'Prepare',
      States: { Prepare: { Type: 'Task', Resource: PREPARE, Next: 'Work' }, Work: { Type: 'Task', Resource: WORK, End: true } },
    };
    const first = await env.run(definition, { n: 1 });
    failing.clear();

    // Act
    env.engine.redriveExecution(first.executionArn);
    const { outcome, history } = await env.finish(first.executionArn);

    // Assess
    expect(first.outcome.status).toBe('FAILED');
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { done: { n: 1 } } });
    expect(calls).toEqual(['prepare', '{"n":1}', '{"n":1}']);
    const types = eventTypes(history);
    expect(types.slice(types.indexOf('ExecutionFailed'), types.indexOf('ExecutionFailed') + 3)).toEqual(['ExecutionFailed', 'ExecutionRedriven', 'TaskStateEntered']);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(env.engine.describeExecution(first.executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  });

  it('runs again only the Map iterations that failed', async () => {
    const failing = new Set(['{"n":2}']);
    const { tasks, calls } = jobs(failing);
    const env = testEngine({ tasks });
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map', MaxConcurrency: 1, End: true,
          ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: WORK, End: true } } },
        },
      },
    };
    const first = await env.run(definition, [{ n: 1 }, { n: 2 }, { n: 3 }] as JsonValue);
    failing.clear();

    env.engine.redriveExecution(first.executionArn);
    const { outcome } = await env.finish(first.executionArn);

    expect(first.outcome.status).toBe('FAILED');
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ done: { n: 1 } }, { done: { n: 2 } }, { done: { n: 3 } }] });
    // item 3 never ran the first time: the failure of item 2 stopped the Map before it
    expect(calls).toEqual(['{"n":1}', '{"n":2}', '{"n":2}', '{"n":3}']);
  });

  it('runs again only the Parallel branches that failed', async () => {
    const failing = new Set(['{"branch":"b"}']);
    const { tasks, calls } = jobs(failing);
    const env = testEngine({ tasks });
    // branch b fails a second after branch a has succeeded
    const branch = (name: string, delay: number) => ({
      StartAt: `Hold${name}`,
      States: {
        [`Hold${name}`]: { Type: 'Wait', Seconds: delay, Next: `Work${name}` },
        [`Work${name}`]: { Type: 'Task', Resource: WORK, Parameters: { branch: name }, End: true },
      },
    });
    const definition = { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch('a', 0), branch('b', 1)], End: true } } };
    const first = await env.run(definition, {});
    failing.clear();

    env.engine.redriveExecution(first.executionArn);
    const { outcome } = await env.finish(first.executionArn);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ done: { branch: 'a' } }, { done: { branch: 'b' } }] });
    expect(calls.filter((c) => c === '{"branch":"a"}')).toHaveLength(1);
    expect(calls.filter((c) => c === '{"branch":"b"}')).toHaveLength(2);
  });

  it('sees the redrive count in the context object', async () => {
    const failing = new Set(['{}']);
    const { tasks } = jobs(failing);
    const env = testEngine({ tasks });
    const definition = {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: WORK, Next: 'Done' },
        Done: { Type: 'Pass', Parameters: { 'redriveCount.$': '$$.Execution.RedriveCount' }, End: true },
      },
    };
    const first = await env.run(definition, {});
    failing.clear();

    env.engine.redriveExecution(first.executionArn);
    const { outcome } = await env.finish(first.executionArn);

    expect(first.outcome).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { redriveCount: 1 } });
  });

  it('fails again the same way when nothing changed, and can be redriven again', async () => {
    const env = testEngine();
    const first = await env.run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Always' } } }, {});

    env.engine.redriveExecution(first.executionArn);
    const second = await env.finish(first.executionArn);
    env.engine.redriveExecution(first.executionArn);
    const third = await env.finish(first.executionArn);

    expect(second.outcome).toMatchObject({ status: 'FAILED', error: 'Always' });
    expect(third.outcome).toMatchObject({ status: 'FAILED', error: 'Always' });
    expect(eventTypes(third.history).filter((t) => t === 'ExecutionRedriven')).toHaveLength(2);
    expect(env.engine.describeExecution(first.executionArn).redriveCount).toBe(2);
  });

  it.each([
    ['SUCCEEDED', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }],
  ])('refuses to redrive a %s execution with ExecutionNotRedrivable', async (_status, definition) => {
    const env = testEngine();
    const { executionArn } = await env.run(definition, {});

    expect(apiErrorType(() => env.engine.redriveExecution(executionArn))).toBe('ExecutionNotRedrivable');
  });

  it('refuses to redrive a running execution and an unknown one', async () => {
    const env = testEngine();
    const executionArn = env.start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }, {});
    await env.idle();

    expect(apiErrorType(() => env.engine.redriveExecution(executionArn))).toBe('ExecutionNotRedrivable');
    expect(apiErrorType(() => env.engine.redriveExecution(`${executionArn}-nope`))).toBe('ExecutionDoesNotExist');
    await env.finish(executionArn);
  });
});

describe('RedriveExecution after a restart', () => {
  it('redrives a failed execution that a previous engine process recorded', async () => {
    // Prepare: the first engine fails the execution and closes
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Engine } = await import('../../../engine/engine.ts');
    const { VirtualScheduler } = await import('../../../engine/runtime/clock.ts');
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-redrive-'));
    const database = join(dir, 'engine.db');
    const definition = JSON.stringify({
      StartAt: 'Prepare',
      States: { Prepare: { Type: 'Task', Resource: PREPARE, Next: 'Work' }, Work: { Type: 'Task', Resource: WORK, End: true } },
    });
    try {
      const failing = new Set(['{"n":7}']);
      const firstJobs = jobs(failing);
      const firstClock = new VirtualScheduler();
      firstJobs.tasks.attach(firstClock);
      const first = new Engine({ database, scheduler: firstClock });
      first.integrations.register(firstJobs.tasks);
      const sm = first.createStateMachine({ name: 'redrive-me', definition, roleArn: 'arn:aws:iam::123456789012:role/r' });
      const { executionArn } = first.startExecution({ stateMachineArn: sm.arn, input: '{"n":7}' });
      const failed = await first.waitFor(executionArn);
      first.close();

      // Act: a new engine on the same file redrives it
      const secondJobs = jobs(new Set());
      const secondClock = new VirtualScheduler();
      secondJobs.tasks.attach(secondClock);
      const second = new Engine({ database, scheduler: secondClock });
      second.integrations.register(secondJobs.tasks);
      second.redriveExecution(executionArn);
      const outcome = await second.waitFor(executionArn);
      const types = eventTypes(second.history(executionArn));
      second.close();

      // Assess
      expect(failed.status).toBe('FAILED');
      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { done: { n: 7 } } });
      expect(secondJobs.calls).toEqual(['{"n":7}']);
      expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
      expect(types.at(-1)).toBe('ExecutionSucceeded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

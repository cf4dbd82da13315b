/**
 * Every execution runs inside its own failure boundary: a defect in one (a value too deep to
 * serialize in its snapshot, a saved state that cannot be read back) fails that execution with
 * States.Runtime and the cause, and never the engine, the commit, or the other executions.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { eventTypes, fakeTasks, lambdaArn, never, ROLE_ARN, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

const WORK = lambdaArn('work');

/** JSON text of an object holding an array nested `depth` levels: too deep for JSON.stringify at about 4,500. */
const deepInput = (depth = 4500) => `{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;

const firstStates: { first: string; states: object }[] = [
  { first: 'a Wait', states: { W: { Type: 'Wait', Seconds: 60, End: true } } },
  { first: 'a Pass', states: { W: { Type: 'Pass', End: true } } },
  { first: 'a Task', states: { W: { Type: 'Task', Resource: WORK, End: true } } },
];

describe('an execution whose state cannot be serialized', () => {
  it.each(firstStates)('fails on its own when its input is nested 4,500 levels deep and its first state is $first', async ({ states }) => {
    // Prepare
    const env = testEngine({ tasks: fakeTasks({ [WORK]: () => never() }) });
    const stateMachineArn = env.create({ StartAt: 'W', States: states });

    // Act
    const { executionArn } = env.engine.startExecution({ stateMachineArn, name: 'deep', input: deepInput() });
    const outcome = await env.engine.waitFor(executionArn);

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(outcome.status === 'FAILED' && outcome.cause).toMatch(/Maximum call stack size exceeded/);
    const history = env.engine.history(executionArn);
    expect(history.at(-1)?.type).toBe('ExecutionFailed');
    expect(history.every((e, i) => e.id === i + 1)).toBe(true);
    expect(env.engine.describeExecution(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('fails on its own when the execution builds such a value itself (States.StringToJson into a Parallel)', async () => {
    // Prepare: the input is plain text; the Parallel keeps the parsed value in its saved state
    const env = testEngine();
    const depth = 4500;
    const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel', Parameters: { 'value.$': 'States.StringToJson($.text)' }, End: true,
          Branches: [{ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }],
        },
      },
    };

    // Act
    const { outcome, history } = await env.run(definition, { text });

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(history.at(-1)?.type).toBe('ExecutionFailed');
    expect(history.every((e, i) => e.id === i + 1)).toBe(true);
  });

  it('leaves the engine running the next execution', async () => {
    // Prepare
    const env = testEngine();
    const stateMachineArn = env.create({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const { executionArn: deep } = env.engine.startExecution({ stateMachineArn, name: 'deep', input: deepInput() });
    await env.engine.waitFor(deep);

    // Act
    const { executionArn } = env.engine.startExecution({ stateMachineArn, name: 'shallow', input: '{"deep":[[1]]}' });

    // Assess
    await expect(env.engine.waitFor(executionArn)).resolves.toEqual({ status: 'SUCCEEDED', output: { deep: [[1]] } });
  });

  it('does not keep the other executions of its commit from being written', async () => {
    // Prepare: the task of `calm` starts `deep` while `calm` has an uncommitted step, so one commit holds both
    let deep = '';
    const env = testEngine({
      tasks: fakeTasks({
        [WORK]: () => {
          deep = env.engine.startExecution({ stateMachineArn: deepMachine, name: 'deep', input: deepInput() }).executionArn;
          return 'done';
        },
      }),
    });
    const deepMachine = env.create({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const calmMachine = env.create({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: WORK, End: true } } });

    // Act
    const { executionArn: calm } = env.engine.startExecution({ stateMachineArn: calmMachine, name: 'calm', input: '{}' });
    const calmOutcome = await env.engine.waitFor(calm);
    const deepOutcome = await env.engine.waitFor(deep);

    // Assess
    expect(calmOutcome).toEqual({ status: 'SUCCEEDED', output: 'done' });
    expect(eventTypes(env.engine.history(calm))).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(deepOutcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});

describe('an execution whose rows the store refuses', () => {
  it('fails on its own while the other executions of the commit are written', async () => {
    // Prepare: the store refuses any history row that holds TOXIC (as it would a row too big)
    let toxic = '';
    const env = testEngine({
      tasks: fakeTasks({
        [WORK]: () => {
          toxic = env.engine.startExecution({ stateMachineArn: toxicMachine, name: 'toxic', input: '{"text":"TOXIC"}' }).executionArn;
          return 'done';
        },
      }),
    });
    env.engine.store.db.exec(`CREATE TRIGGER refuse_toxic BEFORE INSERT ON history WHEN instr(NEW.body, 'TOXIC') > 0
      BEGIN SELECT RAISE(ABORT, 'refused row'); END`);
    const toxicMachine = env.create({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const calmMachine = env.create({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: WORK, End: true } } });

    // Act
    const { executionArn: calm } = env.engine.startExecution({ stateMachineArn: calmMachine, name: 'calm', input: '{}' });
    const calmOutcome = await env.engine.waitFor(calm);
    const toxicOutcome = await env.engine.waitFor(toxic);

    // Assess
    expect(calmOutcome).toEqual({ status: 'SUCCEEDED', output: 'done' });
    expect(eventTypes(env.engine.history(calm))).toHaveLength(7);
    expect(toxicOutcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(env.engine.describeExecution(toxic).cause).toMatch(/refused row/);
    const history = env.engine.history(toxic);
    expect(eventTypes(history)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionFailed']);
    expect(history.every((e, i) => e.id === i + 1)).toBe(true);
  });
});

describe('an execution whose saved state cannot be read back', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('fails with States.Runtime on resume while the others resume', async () => {
    // Prepare: two executions wait on tasks; one's snapshot is damaged on disk
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-boundary-'));
    dirs.push(dir);
    const database = join(dir, 'engine.db');
    const firstClock = new VirtualScheduler();
    const silent = fakeTasks({ [WORK]: () => never() });
    silent.attach(firstClock);
    const first = new Engine({ database, scheduler: firstClock, integrations: [silent] });
    const sm = first.createStateMachine({ name: 'm', roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: WORK, End: true } } }) });
    const broken = first.startExecution({ stateMachineArn: sm.arn, name: 'broken', input: '{}' }).executionArn;
    const healthy = first.startExecution({ stateMachineArn: sm.arn, name: 'healthy', input: '{}' }).executionArn;
    await new Promise((r) => setImmediate(r));
    first.close();
    const db = new DatabaseSync(database);
    db.prepare(`UPDATE snapshots SET body = '{"nextEventId":' WHERE execution_id = (SELECT id FROM executions WHERE arn = ?)`).run(broken);
    db.close();
    const clock = new VirtualScheduler();
    const tasks = fakeTasks({ [WORK]: () => 'answered' });
    tasks.attach(clock);
    const second = new Engine({ database, scheduler: clock, integrations: [tasks] });

    // Act
    const resumed = second.resumeAll();

    // Assess
    expect(resumed).toBe(1);
    await expect(second.waitFor(healthy)).resolves.toEqual({ status: 'SUCCEEDED', output: 'answered' });
    const row = second.describeExecution(broken);
    expect(row).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(row.cause).toMatch(/^The execution could not be resumed: /);
    const history = second.history(broken);
    expect(history.at(-1)).toMatchObject({ type: 'ExecutionFailed', id: history.length, previousEventId: history.length - 1 });
    second.close();
  });
});

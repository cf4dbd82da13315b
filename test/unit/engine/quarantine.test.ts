/**
 * Quarantine: an engine can open a store without resuming named executions. They stay RUNNING
 * and readable; StopExecution ends them in the store (ExecutionAborted, ABORTED), as it ends any
 * RUNNING execution no run holds; RedriveExecution then continues them as usual.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { eventTypes, fakeTasks, lambdaArn, never, ROLE_ARN, type FakeTask, type FakeTasks } from '../../support/engine-env.ts';

const WORK = lambdaArn('work');

const open: Engine[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const e of open.splice(0)) e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engineOn(database: string, work: FakeTask, opts: { quarantine?: string[] } = {}): { engine: Engine; tasks: FakeTasks } {
  const clock = new VirtualScheduler();
  const tasks = fakeTasks({ [WORK]: work });
  tasks.attach(clock);
  const engine = new Engine({ database, scheduler: clock, integrations: [tasks], ...opts });
  open.push(engine);
  return { engine, tasks };
}

/** A store holding two executions, `kept` and `runaway`, each waiting on its task. */
async function storeWithTwoRunning(): Promise<{ database: string; kept: string; runaway: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-quarantine-'));
  dirs.push(dir);
  const database = join(dir, 'engine.db');
  const { engine } = engineOn(database, () => never());
  const sm = engine.createStateMachine({ name: 'm', roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: WORK, End: true } } }) });
  const kept = engine.startExecution({ stateMachineArn: sm.arn, name: 'kept', input: '{"n":1}' }).executionArn;
  const runaway = engine.startExecution({ stateMachineArn: sm.arn, name: 'runaway', input: '{"n":2}' }).executionArn;
  await new Promise((r) => setImmediate(r));
  engine.close();
  open.splice(open.indexOf(engine), 1);
  return { database, kept, runaway };
}

const ways: { way: string; open: (database: string, runaway: string, work: FakeTask) => { engine: Engine; tasks: FakeTasks; resumed: number } }[] = [
  {
    way: 'resumeAll({ skip })',
    open: (database, runaway, work) => {
      const e = engineOn(database, work);
      return { ...e, resumed: e.engine.resumeAll({ skip: [runaway] }) };
    },
  },
  {
    way: 'the quarantine option',
    open: (database, runaway, work) => {
      const e = engineOn(database, work, { quarantine: [runaway] });
      return { ...e, resumed: e.engine.resumeAll() };
    },
  },
];

describe('a quarantined execution', () => {
  it.each(ways)('is not resumed, and stays RUNNING and readable, with $way', async ({ open: reopen }) => {
    // Prepare
    const { database, kept, runaway } = await storeWithTwoRunning();

    // Act
    const { engine, tasks, resumed } = reopen(database, runaway, (p) => p);

    // Assess
    expect(resumed).toBe(1);
    await expect(engine.waitFor(kept)).resolves.toEqual({ status: 'SUCCEEDED', output: { n: 1 } });
    expect(tasks.received.map((r) => r.parameters)).toEqual([{ n: 1 }]);
    expect(engine.describeExecution(runaway).status).toBe('RUNNING');
    expect(eventTypes(engine.history(runaway))).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted']);
  });

  it('is aborted in the store by StopExecution, with its error and cause', async () => {
    // Prepare
    const { database, runaway } = await storeWithTwoRunning();
    const { engine } = ways[0].open(database, runaway, () => never());

    // Act
    engine.stopExecution(runaway, 'Quarantined', 'stopped by hand');

    // Assess
    expect(engine.describeExecution(runaway)).toMatchObject({ status: 'ABORTED', error: 'Quarantined', cause: 'stopped by hand' });
    expect(engine.history(runaway).at(-1)).toMatchObject({
      type: 'ExecutionAborted', id: 5, previousEventId: 4, executionAbortedEventDetails: { error: 'Quarantined', cause: 'stopped by hand' },
    });
    expect(() => engine.stopExecution(runaway)).toThrow('Execution Not Running');
  });

  it('runs on after the stop when it is redriven', async () => {
    // Prepare
    const { database, runaway } = await storeWithTwoRunning();
    const { engine, tasks } = ways[0].open(database, runaway, (p) => p);
    engine.stopExecution(runaway);

    // Act
    engine.redriveExecution(runaway);
    const outcome = await engine.waitFor(runaway);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { n: 2 } });
    expect(tasks.received.map((r) => r.parameters)).toEqual([{ n: 1 }, { n: 2 }]);
    const history = engine.history(runaway);
    expect(eventTypes(history).slice(3)).toEqual([
      'LambdaFunctionStarted', 'ExecutionAborted', 'ExecutionRedriven', 'TaskStateEntered', 'LambdaFunctionScheduled',
      'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(history.every((e, i) => e.id === i + 1)).toBe(true);
  });
});

describe('StopExecution of a RUNNING execution no run holds', () => {
  it('aborts it in the store when the engine was opened without resuming anything', async () => {
    // Prepare
    const { database, kept } = await storeWithTwoRunning();
    const { engine } = engineOn(database, () => never());

    // Act
    engine.stopExecution(kept);

    // Assess
    expect(engine.describeExecution(kept)).toMatchObject({ status: 'ABORTED', error: null, cause: null });
    expect(engine.history(kept).at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: {} });
  });
});

describe('StopExecution of a running execution', () => {
  it('is durable before it answers: an engine closed right after it still ends the execution ABORTED, without running its task again', async () => {
    // Prepare
    const { database, kept, runaway } = await storeWithTwoRunning();
    const first = engineOn(database, () => never());
    first.engine.resumeAll({ skip: [runaway] });
    await new Promise((r) => setImmediate(r));

    // Act: closed before the stop has run through the execution's frames
    first.engine.stopExecution(kept, 'Stopped', 'by hand');
    first.engine.close();
    open.splice(open.indexOf(first.engine), 1);
    const second = engineOn(database, (p) => p);
    second.engine.resumeAll({ skip: [runaway] });
    const outcome = await second.engine.waitFor(kept);

    // Assess
    expect(outcome).toEqual({ status: 'ABORTED', error: 'Stopped', cause: 'by hand' });
    expect(second.tasks.received).toEqual([]);
    expect(eventTypes(second.engine.history(kept)).slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
  });
});

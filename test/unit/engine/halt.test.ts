/**
 * A graceful stop records nothing the stop itself causes: halt() (and close(), which halts first)
 * freezes every execution at its last commit. A task that fails because its runtime closes
 * afterwards is ignored; the next engine on the same store resumes the execution from that
 * commit, as after SIGKILL, and runs the task again.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { TaskFailure } from '../../../engine/runtime/integrations.ts';
import { apiError, eventTypes, fakeTasks, lambdaArn, ROLE_ARN, type FakeTask, type FakeTasks } from '../../support/engine-env.ts';

const WORK = lambdaArn('work');
const NOTIFY = lambdaArn('notify');

/** A task that fails over to a notification, as report-etl's e-mail on failure does. */
const definition = {
  StartAt: 'Call',
  States: {
    Call: { Type: 'Task', Resource: WORK, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Notify' }], End: true },
    Notify: { Type: 'Task', Resource: NOTIFY, End: true },
  },
};

const open: Engine[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const e of open.splice(0)) e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engineOn(database: string, handlers: Record<string, FakeTask>): { engine: Engine; tasks: FakeTasks; clock: VirtualScheduler } {
  const clock = new VirtualScheduler();
  const tasks = fakeTasks(handlers);
  tasks.attach(clock);
  const engine = new Engine({ database, scheduler: clock, integrations: [tasks] });
  open.push(engine);
  return { engine, tasks, clock };
}

function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-halt-'));
  dirs.push(dir);
  return join(dir, 'engine.db');
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

const stops: { how: string; stop: (engine: Engine) => void }[] = [
  { how: 'halt()', stop: (engine) => engine.halt() },
  { how: 'close()', stop: (engine) => engine.close() },
];

describe('stopping the engine while a task is in flight', () => {
  it.each(stops)('with $how ignores the task failing afterwards; the next engine runs the task again and the execution succeeds', async ({ stop }) => {
    // Prepare
    const database = tempDatabase();
    let closeRuntime!: (err: Error) => void;
    const notified: unknown[] = [];
    const first = engineOn(database, {
      [WORK]: () => new Promise((_, reject) => (closeRuntime = reject)),
      [NOTIFY]: (p) => notified.push(p),
    });
    const sm = first.engine.createStateMachine({ name: 'm', roleArn: ROLE_ARN, definition: JSON.stringify(definition) });
    const { executionArn } = first.engine.startExecution({ stateMachineArn: sm.arn, name: 'run', input: '{"n":1}' });
    await turns(5);
    expect(first.tasks.received).toHaveLength(1);

    // Act
    stop(first.engine);
    closeRuntime(new TaskFailure('Lambda.ServiceException', 'The local Lambda runtime was closed'));
    await turns(5);
    first.engine.close();
    const second = engineOn(database, { [WORK]: (p) => p, [NOTIFY]: (p) => notified.push(p) });
    second.engine.resumeAll();
    const outcome = await second.engine.waitFor(executionArn);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { n: 1 } });
    expect(second.tasks.received.map((r) => r.resource)).toEqual([WORK]);
    expect(notified).toEqual([]);
    const history = second.engine.history(executionArn);
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
  });
});

describe('a halted engine', () => {
  it('takes no new work, and still answers reads from its last commit', async () => {
    // Prepare
    const { engine, clock } = engineOn(tempDatabase(), {});
    const holdClock = clock.beginWork();
    const sm = engine.createStateMachine({ name: 'm', roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }) });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, name: 'waiting', input: '{}' });
    await turns(2);
    holdClock();

    // Act
    engine.halt();

    // Assess
    expect(apiError(() => engine.startExecution({ stateMachineArn: sm.arn, name: 'late', input: '{}' })).type).toBe('ServiceUnavailable');
    expect(apiError(() => engine.stopExecution(executionArn)).type).toBe('ServiceUnavailable');
    expect(engine.describeExecution(executionArn).status).toBe('RUNNING');
    expect(eventTypes(engine.history(executionArn))).toEqual(['ExecutionStarted', 'WaitStateEntered']);
  });

  it('leaves no timer of its executions armed, so the wait it froze never fires', async () => {
    // Prepare
    const { engine, clock } = engineOn(tempDatabase(), {});
    // the virtual clock stays put until the halt: then it would jump to the Wait's timer, were one armed
    const holdClock = clock.beginWork();
    const sm = engine.createStateMachine({ name: 'm', roleArn: ROLE_ARN, definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }) });
    const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, name: 'waiting', input: '{}' });
    await turns(2);

    // Act
    engine.halt();
    holdClock();
    await turns(5);

    // Assess
    expect(clock.pendingTimers).toBe(0);
    expect(eventTypes(engine.history(executionArn))).toEqual(['ExecutionStarted', 'WaitStateEntered']);
  });
});

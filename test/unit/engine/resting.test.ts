/**
 * Executions that rest in the store: an execution whose every frame waits on a timer or a task
 * token is not resident; the engine loads it when a timer is due, a token is answered, or someone
 * stops it, skips its timers or asks what it waits on.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ApiError, Engine } from '../../../engine/engine.ts';
import { VirtualScheduler, type Scheduler } from '../../../engine/runtime/clock.ts';
import { TrackedScheduler } from '../../support/engine-env.ts';
import type { JsonValue } from '../../../engine/json.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../../engine/runtime/integrations.ts';
import { SCHEMA_VERSION, Store } from '../../../engine/store/sqlite.ts';

const ROLE = 'arn:aws:iam::123456789012:role/test';
const HOUR = 3600;
const ASK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** `.waitForTaskToken` tasks that are handed out and never answered by themselves. */
class SilentCallbacks implements TaskIntegration {
  readonly sent: TaskRequest[] = [];
  flavor(resource: string): TaskFlavor | undefined {
    return resource === ASK ? { kind: 'service', resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', pattern: 'waitForTaskToken' } : undefined;
  }
  invoke(request: TaskRequest): Promise<JsonValue> {
    this.sent.push(request);
    return Promise.resolve({});
  }
  tokens(): string[] {
    return this.sent.map((r) => r.taskToken!);
  }
}

const engines: Engine[] = [];
const dirs: string[] = [];
const schedulers: TrackedScheduler[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
  for (const s of schedulers.splice(0)) for (const h of s.handles) h.cancel();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-rest-'));
  dirs.push(dir);
  return join(dir, 'longhaul.db');
}

function engineOn(opts: { database?: string; scheduler?: Scheduler; callbacks?: SilentCallbacks } = {}): Engine {
  let scheduler = opts.scheduler;
  if (!scheduler) {
    const real = new TrackedScheduler();
    schedulers.push(real);
    scheduler = real;
  }
  const engine = new Engine({ database: opts.database ?? ':memory:', scheduler, integrations: [opts.callbacks ?? new SilentCallbacks()] });
  engines.push(engine);
  return engine;
}

function machine(engine: Engine, states: Record<string, unknown>, startAt: string, extra: Record<string, unknown> = {}): string {
  return engine.createStateMachine({ name: 'm', roleArn: ROLE, definition: JSON.stringify({ StartAt: startAt, States: states, ...extra }) }).arn;
}

/** Resolves once `check` holds, polling the real clock. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

/**
 * Resolves the first time a virtual clock finds nothing to run, with what `look` saw then; the
 * clock jumps only after the caller's next steps (it holds the jump for one more idle check).
 */
function whenIdle<T>(scheduler: VirtualScheduler, look: () => T, notBefore = Number.NEGATIVE_INFINITY): Promise<T> {
  return new Promise<T>((resolve) => {
    scheduler.onIdle = () => {
      if (scheduler.now() < notBefore) return false;
      scheduler.onIdle = undefined;
      resolve(look());
      return true;
    };
  });
}

const napThenDone = { Nap: { Type: 'Wait', Seconds: HOUR, Next: 'Done' }, Done: { Type: 'Pass', Result: 'rested', End: true } };
const askThenDone = { Ask: { Type: 'Task', Resource: ASK, Parameters: { 'token.$': '$$.Task.Token' }, End: true } };

describe('an execution that waits', () => {
  it.each([
    ['a virtual clock', true],
    ['a real clock', false],
  ])('rests in the store with 1,000 others on timers and tokens, and each finishes correctly (%s)', async (_name, virtual) => {
    // Prepare
    const callbacks = new SilentCallbacks();
    const clock = new VirtualScheduler();
    const engine = engineOn({ database: tempDb(), callbacks, scheduler: virtual ? clock : undefined });
    const seconds = virtual ? HOUR : 2;
    const napper = engine.createStateMachine({
      name: 'napper', roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: seconds, Next: 'Done' }, Done: { Type: 'Pass', End: true } } }),
    }).arn;
    const asker = engine.createStateMachine({ name: 'asker', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Ask', States: askThenDone }) }).arn;
    const idle = virtual ? whenIdle(clock, () => engine.residentCount()) : undefined;

    // Act
    const naps = Array.from({ length: 500 }, (_, i) => engine.startExecution({ stateMachineArn: napper, name: `nap-${i}`, input: `{"n":${i}}` }).executionArn);
    const asks = Array.from({ length: 500 }, (_, i) => engine.startExecution({ stateMachineArn: asker, name: `ask-${i}`, input: '{}' }).executionArn);
    if (idle) expect(await idle).toBe(0);
    else await until(() => engine.residentCount() === 0);
    expect(engine.store.restingCount()).toBe(1000);
    const napOutcomes = await Promise.all(naps.map((arn) => engine.waitFor(arn)));
    await until(() => callbacks.sent.length === 500 && engine.residentCount() === 0);
    for (const [i, token] of callbacks.tokens().entries()) engine.sendTaskSuccess(token, JSON.stringify({ answer: i }));
    const askOutcomes = await Promise.all(asks.map((arn) => engine.waitFor(arn)));

    // Assess
    expect(napOutcomes.map((o) => o.status)).toEqual(naps.map(() => 'SUCCEEDED'));
    expect(napOutcomes[7]).toEqual({ status: 'SUCCEEDED', output: { n: 7 } });
    expect(askOutcomes.every((o) => o.status === 'SUCCEEDED')).toBe(true);
    expect(engine.history(naps[3]).map((e) => e.type)).toEqual([
      'ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    expect(engine.residentCount()).toBe(0);
    expect(engine.store.restingCount()).toBe(0);
  }, 60_000);

  it('takes an answered token while it rests, and the integration is not invoked again', async () => {
    const callbacks = new SilentCallbacks();
    const engine = engineOn({ database: tempDb(), callbacks });
    const arn = engine.startExecution({ stateMachineArn: machine(engine, askThenDone, 'Ask'), input: '{}' }).executionArn;
    await until(() => engine.residentCount() === 0 && callbacks.sent.length === 1);

    engine.sendTaskSuccess(callbacks.tokens()[0], '{"answer":42}');

    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: { answer: 42 } });
    expect(callbacks.sent).toHaveLength(1);
    expect(engine.history(arn).filter((e) => e.type === 'TaskSucceeded')).toHaveLength(1);
  });

  it('answers TaskDoesNotExist for a token of a finished execution, and InvalidToken for one it could not have issued', async () => {
    const callbacks = new SilentCallbacks();
    const engine = engineOn({ database: tempDb(), callbacks });
    const arn = engine.startExecution({ stateMachineArn: machine(engine, askThenDone, 'Ask'), input: '{}' }).executionArn;
    await until(() => engine.residentCount() === 0 && callbacks.sent.length === 1);
    const [token] = callbacks.tokens();
    engine.sendTaskFailure(token, 'Nope', 'no');
    await expect(engine.waitFor(arn)).resolves.toMatchObject({ status: 'FAILED', error: 'Nope' });

    expect(() => engine.sendTaskSuccess(token, '{}')).toThrow(expect.objectContaining({ type: 'TaskDoesNotExist' }) as unknown as Error);
    expect(() => engine.sendTaskHeartbeat('0123456789-unknown')).toThrow(expect.objectContaining({ type: 'TaskDoesNotExist' }) as unknown as Error);
    expect(() => engine.sendTaskSuccess('bad token!', '{}')).toThrow(expect.objectContaining({ type: 'InvalidToken' }) as unknown as Error);
  });

  it('times out on its heartbeat while it rests, and a heartbeat sent while it rests pushes the deadline', async () => {
    // Prepare: a branch that waits 300 s beside the task wakes the execution once before its heartbeat is due
    const clock = new VirtualScheduler();
    const callbacks = new SilentCallbacks();
    const engine = engineOn({ database: tempDb(), callbacks, scheduler: clock });
    const arn = engine.startExecution({
      stateMachineArn: machine(engine, {
        Both: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'Ask', States: { Ask: { ...askThenDone.Ask, HeartbeatSeconds: 600 } } },
            { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 300, End: true } } },
          ],
        },
      }, 'Both'),
      input: '{}',
    }).executionArn;
    const t0 = clock.now();
    expect(await whenIdle(clock, () => engine.residentCount())).toBe(0);
    // the Nap branch ends at t0 + 300 s; the execution rests again on its token
    expect(await whenIdle(clock, () => clock.now() - t0, t0 + 1)).toBe(300_000);
    expect(engine.residentCount()).toBe(0);

    // Act: a heartbeat at t0 + 300 s moves the deadline from t0 + 600 s to t0 + 900 s
    engine.sendTaskHeartbeat(callbacks.tokens()[0]);
    const outcome = await engine.waitFor(arn);

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    const timedOut = engine.history(arn).find((e) => e.type === 'TaskTimedOut')!;
    expect(timedOut.timestamp - t0).toBe(900_000);
    expect(callbacks.sent).toHaveLength(1);
  });

  it('times out on its task TimeoutSeconds and on the execution TimeoutSeconds while it rests', async () => {
    const clock = new VirtualScheduler();
    const engine = engineOn({ database: tempDb(), scheduler: clock });
    const task = engine.startExecution({ stateMachineArn: machine(engine, { Ask: { ...askThenDone.Ask, TimeoutSeconds: 300 } }, 'Ask'), input: '{}' }).executionArn;
    const whole = engine.startExecution({
      stateMachineArn: engine.createStateMachine({ name: 'whole', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Nap', States: napThenDone, TimeoutSeconds: 60 }) }).arn,
      input: '{}',
    }).executionArn;
    expect(await whenIdle(clock, () => engine.residentCount())).toBe(0);

    await expect(engine.waitFor(task)).resolves.toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    await expect(engine.waitFor(whole)).resolves.toEqual({ status: 'TIMED_OUT' });
    expect(engine.describeExecution(whole).stopMs! - engine.describeExecution(whole).startMs).toBe(60_000);
  });
});

describe('what reaches into a resting execution', () => {
  it('StopExecution aborts it, DescribeExecution and GetExecutionHistory read it', async () => {
    const engine = engineOn({ database: tempDb() });
    const arn = engine.startExecution({ stateMachineArn: machine(engine, napThenDone, 'Nap'), input: '{}' }).executionArn;
    await until(() => engine.residentCount() === 0);

    expect(engine.describeExecution(arn).status).toBe('RUNNING');
    expect(engine.history(arn).map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered']);
    engine.stopExecution(arn, 'Enough', 'stopped while resting');

    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'ABORTED', error: 'Enough', cause: 'stopped while resting' });
    expect(engine.history(arn).map((e) => e.type).slice(-1)).toEqual(['ExecutionAborted']);
    expect(engine.store.restingCount()).toBe(0);
  });

  it('pendingWork lists its timers and tokens; skipTimers fires its Wait now', async () => {
    const callbacks = new SilentCallbacks();
    const engine = engineOn({ database: tempDb(), callbacks });
    const before = Date.now();
    const napping = engine.startExecution({ stateMachineArn: machine(engine, napThenDone, 'Nap'), input: '{}' }).executionArn;
    const asking = engine.startExecution({
      stateMachineArn: engine.createStateMachine({ name: 'asker', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Ask', States: askThenDone }) }).arn,
      input: '{}',
    }).executionArn;
    await until(() => engine.residentCount() === 0 && callbacks.sent.length === 1);

    const work = engine.pendingWork(napping);
    expect(work.tokens).toEqual([]);
    expect(work.timers).toEqual([expect.objectContaining({ stateName: 'Nap', kind: 'Wait' })]);
    expect(work.timers[0].fireMs).toBeGreaterThanOrEqual(before + HOUR * 1000);
    expect(engine.pendingWork(asking).tokens).toEqual([expect.objectContaining({ stateName: 'Ask', taskToken: callbacks.tokens()[0] })]);
    expect(engine.residentCount()).toBe(0);
    expect(() => engine.skipTimers(napping, 'no-such-timer')).toThrow(ApiError);
    const fired = engine.skipTimers(napping);

    expect(fired.map((t) => t.stateName)).toEqual(['Nap']);
    await expect(engine.waitFor(napping)).resolves.toEqual({ status: 'SUCCEEDED', output: 'rested' });
    expect(engine.history(napping).filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
    engine.stopExecution(asking);
  });

  it('RedriveExecution runs a failed execution again, which rests again while it waits', async () => {
    const clock = new VirtualScheduler();
    const callbacks = new SilentCallbacks();
    const engine = engineOn({ database: tempDb(), callbacks, scheduler: clock });
    const arn = engine.startExecution({
      stateMachineArn: machine(engine, { Nap: { Type: 'Wait', Seconds: HOUR, Next: 'Ask' }, ...askThenDone }, 'Nap'), input: '{}',
    }).executionArn;
    expect(await whenIdle(clock, () => engine.residentCount())).toBe(0);
    await until(() => callbacks.sent.length === 1 && engine.residentCount() === 0);
    engine.sendTaskFailure(callbacks.tokens()[0], 'Boom');
    await expect(engine.waitFor(arn)).resolves.toMatchObject({ status: 'FAILED' });

    engine.redriveExecution(arn);
    await until(() => callbacks.sent.length === 2 && engine.residentCount() === 0);
    engine.sendTaskSuccess(callbacks.tokens()[1], '{"second":true}');

    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: { second: true } });
    expect(engine.history(arn).filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
  });

  it('a Parallel with one branch waiting on a token and one still working rests only once both wait', async () => {
    const clock = new VirtualScheduler();
    const callbacks = new SilentCallbacks();
    const engine = engineOn({ database: tempDb(), callbacks, scheduler: clock });
    let finish!: (v: JsonValue) => void;
    engine.integrations.register({
      flavor: (r) => (r === 'arn:aws:lambda:us-east-1:123456789012:function:slow' ? { kind: 'lambda', resource: r } : undefined),
      invoke: () => new Promise<JsonValue>((resolve) => {
        finish = resolve;
      }),
    });
    const arn = engine.startExecution({
      stateMachineArn: machine(engine, {
        Both: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'Ask', States: askThenDone },
            { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:slow', Next: 'Nap' }, Nap: { Type: 'Wait', Seconds: HOUR, End: true } } },
          ],
        },
      }, 'Both'),
      input: '{}',
    }).executionArn;
    await until(() => callbacks.sent.length === 1 && finish !== undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.residentCount()).toBe(1);

    const idle = whenIdle(clock, () => engine.residentCount());
    finish({ worked: true });
    expect(await idle).toBe(0);
    engine.sendTaskSuccess(callbacks.tokens()[0], '{"asked":true}');

    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: [{ asked: true }, { worked: true }] });
  });

  it('a Map whose iterations wait rests, and runs every iteration once', async () => {
    const clock = new VirtualScheduler();
    const engine = engineOn({ database: tempDb(), scheduler: clock });
    const arn = engine.startExecution({
      stateMachineArn: machine(engine, {
        Each: {
          Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, End: true,
          ItemProcessor: { StartAt: 'Nap', States: { Nap: { Type: 'Wait', SecondsPath: '$.s', Next: 'Out' }, Out: { Type: 'Pass', OutputPath: '$.s', End: true } } },
        },
      }, 'Each'),
      input: JSON.stringify({ items: [{ s: 100 }, { s: 50 }, { s: 200 }, { s: 10 }] }),
    }).executionArn;
    expect(await whenIdle(clock, () => engine.residentCount())).toBe(0);

    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: [100, 50, 200, 10] });
    const types = engine.history(arn).map((e) => e.type);
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(4);
    expect(types.filter((t) => t === 'WaitStateExited')).toHaveLength(4);
    expect(engine.loadedCount).toBeGreaterThan(1);
  });
});

describe('a restart', () => {
  it('loads only the executions that have work now; the others wait in the store until due', async () => {
    const database = tempDb();
    const callbacks = new SilentCallbacks();
    const first = engineOn({ database, callbacks });
    const sm = machine(first, { Nap: { Type: 'Wait', SecondsPath: '$.s', Next: 'Done' }, Done: { Type: 'Pass', End: true } }, 'Nap');
    const soon = first.startExecution({ stateMachineArn: sm, name: 'soon', input: '{"s":2}' }).executionArn;
    for (let i = 0; i < 20; i++) first.startExecution({ stateMachineArn: sm, name: `later-${i}`, input: `{"s":${HOUR}}` });
    const asker = first.createStateMachine({ name: 'asker', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Ask', States: askThenDone }) }).arn;
    const asking = first.startExecution({ stateMachineArn: asker, name: 'asking', input: '{}' }).executionArn;
    await until(() => first.residentCount() === 0 && callbacks.sent.length === 1);
    first.close();

    const second = engineOn({ database });
    const resumed = second.resumeAll();

    expect(resumed).toBe(0);
    expect(second.loadedCount).toBe(0);
    await expect(second.waitFor(soon)).resolves.toEqual({ status: 'SUCCEEDED', output: { s: 2 } });
    expect(second.loadedCount).toBe(1);
    second.sendTaskSuccess(callbacks.tokens()[0], '"ok"');
    await expect(second.waitFor(asking)).resolves.toEqual({ status: 'SUCCEEDED', output: 'ok' });
    expect(second.loadedCount).toBe(2);
    expect(second.store.restingCount()).toBe(20);
  });
});

describe('the store format', () => {
  /** A data folder as the previous release wrote it: schema version 2, no timers table, every running execution resident. */
  function previousRelease(database: string): void {
    const engine = engineOn({ database, scheduler: new VirtualScheduler() });
    const sm = machine(engine, napThenDone, 'Nap');
    engine.startExecution({ stateMachineArn: sm, name: 'old', input: '{"v":2}' });
    engine.close();
    const db = new DatabaseSync(database);
    db.exec('DROP TABLE timers; PRAGMA user_version = 2');
    db.close();
  }

  it('upgrades the data folder the previous release wrote (a committed fixture), and runs its executions on', async () => {
    // Prepare: test/unit/store/fixtures/store-format-2.db was written by the engine of commit bd25b76
    // (make-store-format-2.ts.txt): a Wait of an hour, a token task waiting, and a finished execution
    const database = tempDb();
    copyFileSync(join(import.meta.dirname, '../store/fixtures/store-format-2.db'), database);
    const callbacks = new SilentCallbacks();
    const clock = new VirtualScheduler();

    // Act
    const engine = engineOn({ database, scheduler: clock, callbacks });
    const resumed = engine.resumeAll();
    const arns = Object.fromEntries(engine.listExecutions({}).map((r) => [r.name, r.arn]));
    const scheduled = engine.history(arns['old-ask']).find((e) => e.type === 'TaskScheduled') as unknown as { taskScheduledEventDetails: { parameters: string } };
    const { token } = JSON.parse(scheduled.taskScheduledEventDetails.parameters) as { token: string };
    // the previous release had not recorded that the send went out: it goes out again, then the task rests on its token
    await until(() => callbacks.sent.length === 1 && engine.store.restingDue(arns['old-ask']) !== undefined);
    engine.sendTaskSuccess(token, '"answered after the upgrade"');

    // Assess
    expect(resumed).toBe(2);
    await expect(engine.waitFor(arns['old-nap'])).resolves.toEqual({ status: 'SUCCEEDED', output: 'rested' });
    await expect(engine.waitFor(arns['old-ask'])).resolves.toEqual({ status: 'SUCCEEDED', output: 'answered after the upgrade' });
    expect(engine.describeExecution(arns['old-done'])).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}' });
    const db = new DatabaseSync(database, { readOnly: true });
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('upgrades a data folder of the previous format, and resumes its executions', async () => {
    const database = tempDb();
    previousRelease(database);

    const clock = new VirtualScheduler();
    const engine = engineOn({ database, scheduler: clock });
    const db = new DatabaseSync(database, { readOnly: true });
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    db.close();
    const resumed = engine.resumeAll();

    expect(version).toBe(SCHEMA_VERSION);
    expect(resumed).toBe(1);
    const arn = engine.listExecutions({}).find((r) => r.name === 'old')!.arn;
    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: 'rested' });
  });

  it('refuses a data folder written by a newer release, and says what to do', () => {
    const database = tempDb();
    new Store(database).close();
    const db = new DatabaseSync(database);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();

    expect(() => new Store(database)).toThrow(/written by a newer Longhaul.*Run the newer Longhaul on it, or point this one at another data folder/);
    const after = new DatabaseSync(database, { readOnly: true });
    expect((after.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION + 1);
    after.close();
  });
});

describe('a quarantined execution that rests', () => {
  it('stays in the store when due, and StopExecution aborts it there', async () => {
    const database = tempDb();
    const first = engineOn({ database });
    const sm = machine(first, { Nap: { Type: 'Wait', Seconds: 2, Next: 'Done' }, Done: { Type: 'Pass', End: true } }, 'Nap');
    const kept = first.startExecution({ stateMachineArn: sm, name: 'kept', input: '{}' }).executionArn;
    const runs = first.startExecution({ stateMachineArn: sm, name: 'runs', input: '{}' }).executionArn;
    await until(() => first.residentCount() === 0);
    first.close();

    const clock = new VirtualScheduler();
    const second = new Engine({ database, scheduler: clock, quarantine: [kept] });
    engines.push(second);
    second.resumeAll();

    await expect(second.waitFor(runs)).resolves.toMatchObject({ status: 'SUCCEEDED' });
    expect(second.describeExecution(kept).status).toBe('RUNNING');
    expect(second.loadedCount).toBe(1);
    second.stopExecution(kept, 'Quarantined');
    expect(second.describeExecution(kept)).toMatchObject({ status: 'ABORTED', error: 'Quarantined' });
    expect(second.store.restingCount()).toBe(0);
  });
});

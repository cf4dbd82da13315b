/**
 * Longhaul's own engine surface for the console: what a running execution waits on (timers and
 * task tokens), and firing a Wait or retry timer now on a real-time stack.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, Engine } from '../../../engine/engine.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import { TrackedScheduler } from '../../support/engine-env.ts';
import type { JsonValue } from '../../../engine/json.ts';
import { TaskFailure, type TaskFlavor, type TaskIntegration, type TaskRequest } from '../../../engine/runtime/integrations.ts';

const ROLE = 'arn:aws:iam::123456789012:role/test';
const HOUR = 3600;

/** `arn:aws:states:::sqs:sendMessage.waitForTaskToken`-like tasks that are sent and never answered by themselves. */
class SilentCallbacks implements TaskIntegration {
  readonly sent: TaskRequest[] = [];
  flavor(resource: string): TaskFlavor | undefined {
    return resource === 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'
      ? { kind: 'service', resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', pattern: 'waitForTaskToken' }
      : undefined;
  }
  invoke(request: TaskRequest): Promise<JsonValue> {
    this.sent.push(request);
    return Promise.resolve({});
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

function engineOn(opts: { database?: string; virtual?: boolean } = {}): Engine {
  const real = new TrackedScheduler();
  schedulers.push(real);
  const engine = new Engine({ database: opts.database ?? ':memory:', scheduler: opts.virtual ? new VirtualScheduler() : real, integrations: [new SilentCallbacks()] });
  engines.push(engine);
  return engine;
}

function start(engine: Engine, states: Record<string, unknown>, startAt: string): string {
  const sm = engine.createStateMachine({ name: 'm', roleArn: ROLE, definition: JSON.stringify({ StartAt: startAt, States: states }) });
  return engine.startExecution({ stateMachineArn: sm.arn, input: '{}' }).executionArn;
}

/** Resolves once `check` holds, polling the real clock briefly. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

const twoWaits = {
  First: { Type: 'Wait', Seconds: HOUR, Next: 'Second' },
  Second: { Type: 'Wait', Seconds: HOUR, Next: 'Done' },
  Done: { Type: 'Succeed' },
};

describe('pendingWork', () => {
  it('lists the Wait timer an execution is asleep on, with its due time', async () => {
    const engine = engineOn();
    const before = Date.now();
    const arn = start(engine, twoWaits, 'First');
    await until(() => engine.pendingWork(arn).timers.length === 1);

    const [timer] = engine.pendingWork(arn).timers;

    expect(timer).toMatchObject({ stateName: 'First', kind: 'Wait' });
    expect(timer.fireMs).toBeGreaterThanOrEqual(before + HOUR * 1000);
    expect(engine.pendingWork(arn).tokens).toEqual([]);
    engine.stopExecution(arn);
  });

  it('lists the token a .waitForTaskToken task waits on, the one the integration was sent', async () => {
    const engine = engineOn({ virtual: true });
    const arn = start(engine, {
      Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true },
    }, 'Ask');
    await until(() => engine.pendingWork(arn).tokens.length === 1);

    const [pending] = engine.pendingWork(arn).tokens;
    engine.sendTaskSuccess(pending.taskToken, '{"answer":42}');

    expect(pending.stateName).toBe('Ask');
    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: { answer: 42 } });
    expect(engine.pendingWork(arn)).toEqual({ timers: [], tokens: [] });
  });
});

describe('skipTimers', () => {
  it('fires a Wait now: the execution moves on, and the skipped state exits once', async () => {
    const engine = engineOn();
    const arn = start(engine, { Nap: { Type: 'Wait', Seconds: HOUR, Next: 'Done' }, Done: { Type: 'Succeed' } }, 'Nap');
    await until(() => engine.pendingWork(arn).timers.length === 1);

    const fired = engine.skipTimers(arn);

    expect(fired.map((t) => t.stateName)).toEqual(['Nap']);
    await expect(engine.waitFor(arn)).resolves.toMatchObject({ status: 'SUCCEEDED' });
    expect(engine.history(arn).filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
  });

  it('fires a retry back-off now', async () => {
    let calls = 0;
    const engine = engineOn();
    engine.integrations.register({
      flavor: (r) => (r === 'arn:aws:lambda:us-east-1:123456789012:function:flaky' ? { kind: 'lambda', resource: r } : undefined),
      invoke: () => (++calls === 1 ? Promise.reject(new TaskFailure('Busy', 'try later')) : Promise.resolve({ ok: true })),
    });
    const arn = start(engine, {
      Call: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky', Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: HOUR }], End: true },
    }, 'Call');
    await until(() => engine.pendingWork(arn).timers.length === 1);

    expect(engine.pendingWork(arn).timers[0]).toMatchObject({ stateName: 'Call', kind: 'Retry' });
    engine.skipTimers(arn);

    await expect(engine.waitFor(arn)).resolves.toEqual({ status: 'SUCCEEDED', output: { ok: true } });
    expect(calls).toBe(2);
  });

  it('is durable: a restart after the skip resumes at the next state instead of waiting again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-skip-'));
    dirs.push(dir);
    const database = join(dir, 'engine.db');
    const first = engineOn({ database });
    const arn = start(first, twoWaits, 'First');
    await until(() => first.pendingWork(arn).timers.length === 1);

    first.skipTimers(arn);
    await until(() => first.pendingWork(arn).timers[0]?.stateName === 'Second');
    first.close();
    engines.splice(engines.indexOf(first), 1);
    const second = engineOn({ database });
    second.resumeAll();
    await until(() => second.pendingWork(arn).timers.length === 1);

    expect(second.pendingWork(arn).timers.map((t) => t.stateName)).toEqual(['Second']);
    expect(second.history(arn).filter((e) => e.type === 'WaitStateExited')).toHaveLength(1);
    second.stopExecution(arn);
  });

  it('fires only the timer its id names', async () => {
    const engine = engineOn();
    const arn = start(engine, {
      Both: {
        Type: 'Parallel', End: true,
        Branches: [
          { StartAt: 'Short', States: { Short: { Type: 'Wait', Seconds: HOUR, End: true } } },
          { StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 2 * HOUR, End: true } } },
        ],
      },
    }, 'Both');
    await until(() => engine.pendingWork(arn).timers.length === 2);
    const long = engine.pendingWork(arn).timers.find((t) => t.stateName === 'Long')!;

    engine.skipTimers(arn, long.id);
    await until(() => engine.pendingWork(arn).timers.length === 1);

    expect(engine.pendingWork(arn).timers.map((t) => t.stateName)).toEqual(['Short']);
    expect(() => engine.skipTimers(arn, long.id)).toThrow(ApiError);
    engine.stopExecution(arn);
  });

  it('is refused on a virtual clock, which skips every wait by itself', () => {
    const engine = engineOn({ virtual: true });
    const arn = start(engine, { Done: { Type: 'Succeed' } }, 'Done');

    expect(() => engine.skipTimers(arn)).toThrow(/virtual clock/);
  });
});

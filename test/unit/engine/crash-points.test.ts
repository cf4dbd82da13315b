/**
 * The engine stopped at every commit point in turn. One workflow waits in every way a restart
 * must survive (a Wait, a task token answered by SendTaskSuccess, a Retry back-off, a Map and a
 * Parallel whose branches overlap); it runs once without interruption, then once per commit k
 * with the engine halted right after commit k (as a process death would leave the store), a new
 * engine opened on the same SQLite file, resumeAll(), and what the outside world would still
 * deliver (the task tokens handed out before the crash, answered once, late). Each resumed run
 * must end as the uninterrupted one did, with the same history (thread by thread, see threads())
 * and no step completed twice; a task in flight at the crash may run again (at-least-once) but is
 * recorded once. Each crash point is also crashed a second time while resumed: right after the
 * resumed engine's first commit, and half-way through what it has left.
 *
 * No sleeps: everything runs on VirtualSchedulers, commits are counted through the engine's
 * `onCommit` option, and each restart starts its clock a minute after the crash (a restart takes
 * time: the waits due meanwhile fire at once).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import { Engine } from '../../../engine/engine.ts';
import type { HistoryEvent } from '../../../engine/history/events.ts';
import { VirtualScheduler } from '../../../engine/runtime/clock.ts';
import type { ExecutionOutcome } from '../../../engine/runtime/interpreter.ts';
import { TaskFailure, type TaskIntegration, type TaskRequest } from '../../../engine/runtime/integrations.ts';
import { ROLE_ARN, START_MS, detailsOf } from '../../support/engine-env.ts';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const QUEUE = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
/** How long after receiving a token the worker answers it. */
const CALLBACK_DELAY_MS = 5_000;
/** How long a restart takes, in virtual time. */
const DOWNTIME_MS = 60_000;

/** Every task names its state, attempt and Map item, so an invocation and its history can be matched. */
const taskKey = { 'state.$': '$$.State.Name', 'attempt.$': '$$.State.RetryCount' };

const definition = {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', Seconds: 10, Next: 'Approve' },
    Approve: {
      Type: 'Task', Resource: QUEUE, ResultPath: '$.approval', Next: 'Flaky',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'token.$': '$$.Task.Token', ...taskKey } },
    },
    Flaky: {
      Type: 'Task', Resource: LAMBDA, ResultSelector: { 'value.$': '$.Payload' }, ResultPath: '$.flaky', Next: 'Fan',
      Parameters: { FunctionName: 'flaky', Payload: taskKey },
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
    },
    Fan: {
      Type: 'Parallel', ResultPath: '$.fan', Next: 'Done',
      Branches: [
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, End: true,
              ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'index.$': '$$.Map.Item.Index' },
              ItemProcessor: {
                StartAt: 'Pause',
                States: {
                  Pause: { Type: 'Wait', Seconds: 1, Next: 'Double' },
                  Double: {
                    Type: 'Task', Resource: LAMBDA, ResultSelector: { 'n.$': '$.Payload' }, End: true,
                    Parameters: { FunctionName: 'double', Payload: { ...taskKey, 'item.$': '$.index', 'n.$': '$.n' } },
                    Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
                  },
                },
              },
            },
          },
        },
        {
          StartAt: 'Later',
          States: {
            Later: { Type: 'Wait', Seconds: 3, Next: 'Confirm' },
            Confirm: {
              Type: 'Task', Resource: QUEUE, End: true,
              Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/confirmations', MessageBody: { 'token.$': '$$.Task.Token', ...taskKey } },
            },
          },
        },
      ],
    },
    Done: { Type: 'Pass', End: true },
  },
};

const input = { items: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] };
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:crash-points:run';

/** `Double#attempt0/item1`: one task invocation, as the integration and the history both name it. */
function invocationKey(parameters: JsonValue): string {
  const p = parameters as JsonObject;
  const body = (p.Payload ?? p.MessageBody) as JsonObject;
  return `${String(body.state)}#attempt${String(body.attempt)}${body.item === undefined ? '' : `/item${String(body.item)}`}`;
}

/**
 * Everything outside the engine, which outlives its crashes: the Lambda functions, the worker that
 * answers each task token once, and the source of ids (a real one never repeats across restarts).
 */
class OutsideWorld {
  readonly invocations = new Map<string, number>();
  /** the tokens the worker received (token -> its state), and those it has answered (SendTaskSuccess acknowledged) */
  readonly tokens = new Map<string, string>();
  readonly answered = new Set<string>();
  /** answers the engine refused: the worker would give up, and the execution never wake */
  readonly refused: string[] = [];
  private ids = 0;
  private engine!: Engine;
  private clock!: VirtualScheduler;

  readonly uuid = (): string => `00000000-0000-4000-8000-${(++this.ids).toString(16).padStart(12, '0')}`;

  /** The engine now running: calls reach it, and tasks take their time on its clock. */
  attach(engine: Engine, clock: VirtualScheduler): void {
    this.engine = engine;
    this.clock = clock;
  }

  readonly lambda: TaskIntegration = {
    flavor: (resource) => (resource === LAMBDA ? { kind: 'service', resourceType: 'lambda', resource: 'invoke', pattern: 'request' } : undefined),
    invoke: async (request) => {
      const { FunctionName, Payload } = request.parameters as { FunctionName: string; Payload: { attempt: number; item?: number; n?: number } };
      this.count(request);
      if (FunctionName === 'flaky') {
        if (Payload.attempt < 2) throw new TaskFailure('Flaky', `attempt ${Payload.attempt} fails`);
        return { Payload: 'steady' };
      }
      // a task that takes a while, so that commits of other branches fall while it is in flight
      await this.clock.sleepUntil(this.clock.now() + 2_000).promise;
      if (Payload.item === 1 && Payload.attempt === 0) throw new TaskFailure('Flaky', `item ${Payload.item} fails once`);
      return { Payload: Payload.n! * 2 };
    },
  };

  readonly queue: TaskIntegration = {
    flavor: (resource) => (resource === QUEUE ? { kind: 'service', resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', pattern: 'waitForTaskToken' } : undefined),
    invoke: async (request) => {
      this.count(request);
      this.tokens.set(request.taskToken!, request.stateName);
      this.answerLater(request.taskToken!, 'on receipt');
      return { MessageId: `message-${this.tokens.size}` };
    },
  };

  /** After a restart: the worker answers the tokens it received before the crash and has not answered yet. */
  deliverLate(): void {
    for (const token of this.tokens.keys()) if (!this.answered.has(token)) this.answerLater(token, 'late');
  }

  private answerLater(token: string, when: string): void {
    const engine = this.engine;
    this.clock.setTimeout(() => {
      // a callback to an engine that has crashed is lost; deliverLate() sends it again
      if (this.answered.has(token) || engine !== this.engine) return;
      const state = this.tokens.get(token)!;
      try {
        engine.sendTaskSuccess(token, JSON.stringify({ approvedBy: 'worker', step: state }));
        this.answered.add(token);
      } catch (err) {
        this.refused.push(`SendTaskSuccess for ${state} (${when}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
    }, CALLBACK_DELAY_MS);
  }

  private count(request: TaskRequest): void {
    const key = invocationKey(request.parameters);
    this.invocations.set(key, (this.invocations.get(key) ?? 0) + 1);
  }
}

interface RunResult {
  outcome: ExecutionOutcome;
  history: HistoryEvent[];
  invocations: Map<string, number>;
  /** commits of each engine life, the last one's counted to the end */
  commits: number[];
  /** for each commit of the first life, the number of events committed so far */
  committedEvents: number[];
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Runs the workflow on a new SQLite file, halting the engine right after commit `crashes[i]` of
 * its i-th life and opening the next one on the same file; the last life runs to the end.
 */
async function runWithCrashes(crashes: readonly number[]): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-crash-'));
  dirs.push(dir);
  const database = join(dir, 'engine.db');
  const world = new OutsideWorld();
  const commits: number[] = [];
  const committedEvents: number[] = [];
  const executionArn = EXECUTION_ARN;
  let startMs = START_MS;
  for (let life = 0; ; life++) {
    const crashAfter = crashes[life];
    let count = 0;
    let crashed!: () => void;
    const crash = new Promise<'crashed'>((resolve) => (crashed = () => resolve('crashed')));
    const clock = new VirtualScheduler(startMs);
    const engine: Engine = new Engine({
      database, scheduler: clock, uuid: world.uuid, random: () => 0.5,
      onCommit: () => {
        // reading history here commits nothing more: everything pending was just written
        if (life === 0) committedEvents.push(engine.history(executionArn).length);
        if (++count !== crashAfter) return;
        engine.halt();
        crashed();
      },
      integrations: [world.lambda, world.queue],
    });
    world.attach(engine, clock);
    // an execution nothing will wake again would make waitFor hang: fail at once instead
    const stuck = new Promise<never>((_, reject) => {
      clock.onIdle = () => {
        if (clock.pendingTimers === 0 && count !== crashAfter) {
          reject(new Error(`life ${life} is stuck after its commit ${count}: nothing left to wake the execution; refused: ${world.refused.join('; ') || 'none'}`));
        }
        return false;
      };
    });
    stuck.catch(() => {});
    if (life === 0) {
      const sm = engine.createStateMachine({ name: 'crash-points', definition: JSON.stringify(definition), roleArn: ROLE_ARN });
      engine.startExecution({ stateMachineArn: sm.arn, name: 'run', input: JSON.stringify(input) });
    } else {
      engine.resumeAll();
      world.deliverLate();
    }
    const end = await Promise.race([engine.waitFor(executionArn), crash, stuck]);
    commits.push(count);
    if (end === 'crashed') {
      startMs = clock.now() + DOWNTIME_MS;
      engine.close();
      continue;
    }
    const history = engine.history(executionArn);
    engine.close();
    clock.onIdle = undefined;
    return { outcome: end, history, invocations: world.invocations, commits, committedEvents };
  }
}

// ---- reading a history as threads

const TOKEN = /00000000-0000-4000-8000-[0-9a-f]{12}[0-9a-f]{32}/g;

/**
 * A history as the lines of its threads: the root, each Parallel branch (named by its first state)
 * and each Map iteration (by its index), each thread's events in order, `thread type details`.
 *
 * Why threads and not the raw order: the branches of a Parallel and the iterations of a Map run
 * concurrently, and after a restart (a minute late, every due wait firing at once) they interleave
 * differently, as they may on AWS; so do the previousEventIds that join them (a MapIterationStarted
 * follows whatever freed its slot; a Map's or Parallel's end follows its last child to finish).
 * Inside a thread the order is the workflow's own and must not change. Task tokens, drawn anew
 * when a crash lost the draw, read as `<token>`.
 */
function threads(history: HistoryEvent[]): string[] {
  const labels = threadLabels(history);
  const lines = history.map((e, i) => ({ thread: labels[i], line: `${labels[i] || '/'} ${e.type} ${JSON.stringify(detailsOf(e)).replace(TOKEN, '<token>')}` }));
  // a stable sort: each thread keeps its own order
  return lines.sort((a, b) => (a.thread < b.thread ? -1 : a.thread > b.thread ? 1 : 0)).map((l) => l.line);
}

/**
 * The thread of each event (see threads()): '' for the root, `/Later` for a Parallel branch,
 * `/Each/Each[2]` for a Map iteration. A damaged history (an event that follows one missing)
 * gets a label that says so, for the assertions to show.
 */
function threadLabels(history: HistoryEvent[]): string[] {
  const byId = new Map(history.map((e) => [e.id, e]));
  const parent = new Map<number, number>();
  const thread = new Map<number, string>();
  /** the MapStateStarted / ParallelStateStarted each closing event belongs to */
  const opener = new Map<number, number>();
  const enclosing = (from: number, startedType: string, name?: string): number | undefined => {
    for (let id: number | undefined = from; id !== undefined && byId.has(id);) {
      const e = byId.get(id)!;
      const entered = byId.get(parent.get(id) ?? 0);
      if (e.type === startedType && (name === undefined || (entered && detailsOf(entered).name === name))) return id;
      id = opener.has(id) ? parent.get(opener.get(id)!) : parent.get(id);
    }
    return undefined;
  };
  const threadOf = (id: number | undefined, what: string) => (id === undefined ? `<${what} missing>` : (thread.get(id) ?? `<event ${id} missing>`));
  const labels: string[] = [];
  for (const e of history) {
    let p: number | undefined = e.previousEventId;
    let label: string;
    const kind = /^(Map|Parallel)State(Succeeded|Failed|Aborted|Exited)$/.exec(e.type)?.[1];
    if (e.type === 'MapIterationStarted') {
      const d = detailsOf(e);
      p = enclosing(p, 'MapStateStarted', d.name as string);
      label = `${threadOf(p, `MapStateStarted of ${String(d.name)}`)}/${String(d.name)}[${String(d.index)}]`;
    } else if (kind) {
      p = enclosing(p, `${kind}StateStarted`);
      if (p !== undefined) opener.set(e.id, p);
      label = threadOf(p, `${kind}StateStarted`);
    } else if (byId.get(p)?.type === 'ParallelStateStarted') {
      label = `${threadOf(p, 'ParallelStateStarted')}/${String(detailsOf(e).name)}`;
    } else {
      label = p > 0 ? threadOf(p, 'previous event') : '';
    }
    if (p !== undefined) parent.set(e.id, p);
    thread.set(e.id, label);
    labels.push(label);
  }
  return labels;
}

/**
 * Completions recorded more than once: a state exited, an iteration or a task attempt that
 * succeeded or failed, named by thread and (for a task's result) the attempt it answers.
 */
function completedTwice(history: HistoryEvent[]): string[] {
  const seen = new Map<string, number>();
  const lines = threads(history);
  const attempt = new Map<string, string>();
  for (const line of lines) {
    const [thread, type] = line.split(' ', 2);
    if (/^(Task|LambdaFunction)Scheduled$/.test(type)) attempt.set(thread, line);
    if (!/(Succeeded|Failed|Exited|Aborted|TimedOut)$/.test(type)) continue;
    const key = /^(Task|LambdaFunction)/.test(type) ? `${line} after ${attempt.get(thread)}` : line;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${n}x ${k}`);
}

/** The task invocations the history records, by invocationKey, with how often each is scheduled. */
function recordedInvocations(history: HistoryEvent[]): Map<string, number> {
  const recorded = new Map<string, number>();
  for (const e of history.filter((x) => x.type === 'TaskScheduled')) {
    const key = invocationKey(JSON.parse(detailsOf(e).parameters as string) as JsonValue);
    recorded.set(key, (recorded.get(key) ?? 0) + 1);
  }
  return recorded;
}

// ---- the uninterrupted run, and every commit point of it

const started = performance.now();
const baseline = await runWithCrashes([]);
const K = baseline.commits[0];

/** What commit k wrote, for the test's name: the last event it committed and that event's thread. */
function commitLabel(k: number): string {
  const n = baseline.committedEvents[k - 1];
  const last = baseline.history[n - 1];
  const label = `${threadLabels(baseline.history)[n - 1] || '/'} ${last.type}`;
  return k > 1 && baseline.committedEvents[k - 2] === n ? `no new event after ${label}` : label;
}
const crashPoints = Array.from({ length: K }, (_, i) => ({ k: i + 1, label: commitLabel(i + 1) }));
/** second crashes, for every first one: right after the resumed engine's first commit, and half-way through what it has left */
const doubleCrashes = crashPoints.slice(0, -1).flatMap(({ k }) => [{ k, j: 'first' as const }, { k, j: 'half-way' as const }]);

/** Each run once, whichever test asks first. */
const runs = new Map<string, Promise<RunResult>>();
function run(crashes: number[]): Promise<RunResult> {
  const key = crashes.join(',');
  let r = runs.get(key);
  if (!r) {
    r = runWithCrashes(crashes);
    r.catch(() => {});
    runs.set(key, r);
  }
  return r;
}

afterAll(() => {
  console.log(`crash-points: ${K} commit points, ${runs.size} runs with one or two crashes, ${Math.round(performance.now() - started)} ms`);
});

/** What every interrupted run must show against the uninterrupted one. */
function expectSameRunAsBaseline(r: RunResult): void {
  expect(r.outcome).toEqual(baseline.outcome);
  expect(r.history.map((e) => e.id)).toEqual(r.history.map((_, i) => i + 1));
  expect(threads(r.history)).toEqual(threads(baseline.history));
  expect(completedTwice(r.history)).toEqual([]);
  // at-least-once: each invocation the uninterrupted run made ran at least once, and no other
  expect([...r.invocations.keys()].sort()).toEqual([...baseline.invocations.keys()].sort());
  // ... and history records each exactly once
  expect([...recordedInvocations(r.history)].sort()).toEqual([...baseline.invocations.keys()].sort().map((k) => [k, 1]));
}

describe('the uninterrupted run the crashes are measured against', () => {
  it('waits, takes two callbacks, backs off, maps and fans out, and invokes each task attempt once', () => {
    // Assess
    expect(baseline.outcome).toEqual({
      status: 'SUCCEEDED',
      output: {
        ...input,
        approval: { approvedBy: 'worker', step: 'Approve' },
        flaky: { value: 'steady' },
        fan: [[{ n: 2 }, { n: 4 }, { n: 6 }, { n: 8 }], { approvedBy: 'worker', step: 'Confirm' }],
      },
    });
    expect([...baseline.invocations].sort()).toEqual([
      ['Approve#attempt0', 1], ['Confirm#attempt0', 1],
      ['Double#attempt0/item0', 1], ['Double#attempt0/item1', 1], ['Double#attempt0/item2', 1], ['Double#attempt0/item3', 1],
      ['Double#attempt1/item1', 1], ['Flaky#attempt0', 1], ['Flaky#attempt1', 1], ['Flaky#attempt2', 1],
    ]);
    expect(baseline.history.map((e) => e.id)).toEqual(baseline.history.map((_, i) => i + 1));
    expect(completedTwice(baseline.history)).toEqual([]);
    expect(baseline.committedEvents).toHaveLength(K);
    expect(K).toBeGreaterThan(10);
  });
});

describe('an engine halted right after a commit and reopened from the store', () => {
  it.each(crashPoints)(`after commit $k of ${K} ($label) ends with the uninterrupted run's output and history, no step completed twice`, async ({ k }) => {
    // Act
    const r = await run([k]);

    // Assess
    expectSameRunAsBaseline(r);
  });

  it.each(doubleCrashes)('after commit $k, and again after the $j commit of the resumed engine, still ends as the uninterrupted run', async ({ k, j }) => {
    // Prepare: how many commits the resumed engine makes after crash k
    const left = (await run([k])).commits[1];
    const second = j === 'first' ? 1 : Math.max(1, Math.ceil(left / 2));

    // Act
    const r = await run([k, second]);

    // Assess
    expect(r.commits).toHaveLength(3);
    expectSameRunAsBaseline(r);
  });

  it('falls, at some commit points, while a task is in flight, which then runs again (at-least-once) but is recorded once', async () => {
    // Act
    const reinvoked = new Set<string>();
    for (const { k } of crashPoints) {
      const r = await run([k]);
      for (const [key, n] of r.invocations) if (n > 1) reinvoked.add(key);
    }

    // Assess: among them a Map item's task and a retried attempt (a callback task whose send was
    // committed as returned only waits for its token again: it is not sent twice)
    expect([...reinvoked].sort()).toEqual(expect.arrayContaining(['Double#attempt0/item0', 'Double#attempt1/item1']));
  });
});

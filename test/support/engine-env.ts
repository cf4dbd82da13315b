/**
 * A test environment for the engine, in the spirit of Temporal's testing package: an in-memory
 * engine on a virtual clock, so a test that waits for a 40-minute Wait or a 3-retry back-off gets
 * its answer in milliseconds, with the virtual time it took readable from `now()` and from the
 * history's timestamps.
 *
 * Caveat: the environment hands out the engine object itself, not an `SFNClient`: the AWS
 * protocol server (engine/api/) does not exist yet. Once it does, `client` belongs here.
 */
import { afterEach } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../../engine/json.ts';
import { collectEngine } from '../../engine/coverage/collect.ts';
import { ApiError, Engine, type ItemSource, type ResultSink } from '../../engine/engine.ts';
import type { HistoryEvent } from '../../engine/history/events.ts';
import { RealScheduler, VirtualScheduler, type TimerHandle } from '../../engine/runtime/clock.ts';
import type { ExecutionOutcome } from '../../engine/runtime/interpreter.ts';
import {
  TaskFailure,
  flavorOfArn,
  type TaskFlavor,
  type TaskIntegration,
  type TaskRequest,
} from '../../engine/runtime/integrations.ts';
import { ModuleFunctions } from '../../local/lambda/module-functions.ts';
import { checkMockConfig, loadMockConfig, mockedResponses, type MockConfig } from '../../local/mocks/mock-config.ts';
import { StandIns, missingStandInMessage } from '../../local/stand-ins/stand-ins.ts';

/** 2024-01-01T00:00:00Z: every environment starts its virtual clock here. */
export const START_MS = Date.UTC(2024, 0, 1);

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/test-role';

/** The ARN of a Lambda function in the environment's account and region. */
export function lambdaArn(name: string): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
}

/** Absolute path of a Lambda module in test/support/functions/ (`echo`, `fail`). */
export function functionModule(name: string): string {
  return fileURLToPath(new URL(`./functions/${name}.mjs`, import.meta.url));
}

/** What a fake task sees besides its parameters. */
export interface FakeTaskContext {
  request: TaskRequest;
  /** Resolves after `seconds` of virtual time: a task that takes a while. */
  sleep(seconds: number): Promise<void>;
  /** Virtual epoch milliseconds. */
  now(): number;
}

/**
 * A fake task: returns (or resolves to) the task's result, or throws. Throw `taskError(error,
 * cause)` for a named failure; any other thrown Error fails the task with its `name` and
 * `message`. A promise that never settles is a task that never answers.
 */
export type FakeTask = (parameters: JsonValue, ctx: FakeTaskContext) => JsonValue | Promise<JsonValue>;

/** A failure a fake task throws to fail with this error name and cause. */
export function taskError(error: string, cause?: string): TaskFailure {
  return new TaskFailure(error, cause);
}

/** A request a fake task integration received: its parameters and, for callbacks, its token. */
export interface ReceivedTask {
  resource: string;
  parameters: JsonValue;
  stateName: string;
  taskToken?: string;
  at: number;
}

/** A promise that never settles: a task that never answers. */
export function never<T = JsonValue>(): Promise<T> {
  return new Promise<T>(() => {});
}

/**
 * An in-memory TaskIntegration that runs plain functions for the resources it is given.
 * A plain Lambda ARN shows in history as `LambdaFunction*` events; an
 * `arn:aws:states:::service:action[.pattern]` resource as `Task*` events.
 *
 * It keeps every request it received in `received`, in order, the way an in-memory queue keeps
 * its messages: the callback tests read the task token from there.
 *
 * @example
 * const tasks = fakeTasks({ 'arn:aws:lambda:us-east-1:123456789012:function:double': (n) => Number(n) * 2 });
 * const env = createTestEngine({ tasks });
 */
export class FakeTasks implements TaskIntegration {
  readonly received: ReceivedTask[] = [];
  private readonly handlers: Record<string, FakeTask>;
  private scheduler: VirtualScheduler | undefined;

  constructor(handlers: Record<string, FakeTask>) {
    this.handlers = handlers;
  }

  /** Binds the fake to an environment's clock (createTestEngine does it). */
  attach(scheduler: VirtualScheduler): void {
    this.scheduler = scheduler;
  }

  flavor(resource: string): TaskFlavor | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.handlers, resource)) return undefined;
    if (/^arn:[^:]+:lambda:/.test(resource)) return { kind: 'lambda', resource };
    const f = flavorOfArn(resource);
    return f?.kind === 'service' ? f : undefined;
  }

  /** Task tokens handed to callback tasks, oldest first. */
  get tokens(): string[] {
    return this.received.flatMap((r) => (r.taskToken === undefined ? [] : [r.taskToken]));
  }

  async invoke(request: TaskRequest): Promise<JsonValue> {
    const scheduler = this.scheduler;
    if (!scheduler) throw new Error('FakeTasks: not attached to a test environment');
    this.received.push({
      resource: request.resource,
      parameters: request.parameters,
      stateName: request.stateName,
      taskToken: request.taskToken,
      at: scheduler.now(),
    });
    const ctx: FakeTaskContext = {
      request,
      now: () => scheduler.now(),
      sleep: (seconds) => scheduler.sleepUntil(scheduler.now() + seconds * 1000).promise,
    };
    try {
      const result = await this.handlers[request.resource](structuredClone(request.parameters), ctx);
      return result === undefined ? null : result;
    } catch (e) {
      if (e instanceof TaskFailure) throw e;
      const err = e instanceof Error ? e : new Error(String(e));
      throw new TaskFailure(err.name, err.message);
    }
  }
}

/** An in-memory fake TaskIntegration: resource ARN → function. */
export function fakeTasks(handlers: Record<string, FakeTask>): FakeTasks {
  return new FakeTasks(handlers);
}

export interface TestEngineOptions {
  /** Lambda functions as ES modules: function name → absolute module path. */
  functions?: Record<string, string>;
  /** In-memory task fakes. */
  tasks?: FakeTasks;
  /** The randomness JitterStrategy FULL draws from (default: always 0.5). */
  random?: () => number;
  /** Virtual epoch ms at which the clock starts (default START_MS). */
  startMs?: number;
  /**
   * Stand-ins, resource pattern → module path (absolute, or relative to the working directory);
   * with them, a Task nothing runs fails with the local stack's message.
   */
  standIns?: Record<string, string>;
  /**
   * A Step Functions Local MockConfigFile (a path or its content), answering executions started
   * on `stateMachineArn#TestCase`; default: the file SFN_MOCK_CONFIG names, as Step Functions Local.
   */
  mockConfig?: string | MockConfig;
  /** How long GetActivityTask waits for a task, in real ms (default 60 s, as AWS). */
  activityPollMs?: number;
  /** An S3 stand-in a Distributed Map's ItemReader reads and ResultWriter writes (e.g. MemoryS3). */
  s3?: ItemSource & ResultSink;
  /**
   * Collect the executions for the state machine coverage report at teardown (default: when
   * LONGHAUL_COVERAGE is `all`; the definitions of unit tests are throwaway, so not by default).
   */
  coverage?: boolean;
}

export interface RunResult {
  outcome: ExecutionOutcome;
  history: HistoryEvent[];
  executionArn: string;
}

export interface TestEngine {
  engine: Engine;
  scheduler: VirtualScheduler;
  /** Creates a state machine (a new one per call) and returns its ARN. */
  create(definition: object | string): string;
  /** Creates a state machine for `definition`, runs it to its end with `input`. */
  run(definition: object | string, input?: JsonValue): Promise<RunResult>;
  /** Creates a state machine and starts an execution; returns its ARN without waiting. */
  start(definition: object | string, input?: JsonValue): string;
  /** Waits for an execution's end and returns its outcome and history. */
  finish(executionArn: string): Promise<RunResult>;
  /**
   * Resolves once nothing can run and only timers (or callbacks) are left, before the clock
   * jumps: the moment to send a task token or stop an execution.
   */
  idle(): Promise<void>;
  /** Resolves after `seconds` of virtual time; the clock skips there once nothing else can run. */
  sleep(seconds: number): Promise<void>;
  /** Virtual epoch milliseconds. */
  now(): number;
  teardown(): void;
}

/**
 * An in-memory engine on a virtual clock, with helpers to run definitions.
 *
 * @example
 * const env = createTestEngine();
 * const { outcome, history } = await env.run({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }, {});
 * expect(env.now() - START_MS).toBe(60_000);
 * env.teardown();
 */
export function createTestEngine(opts: TestEngineOptions = {}): TestEngine {
  const scheduler = new VirtualScheduler(opts.startMs ?? START_MS);
  let ids = 0;
  const uuid = () => `00000000-0000-4000-8000-${(++ids).toString(16).padStart(12, '0')}`;
  const engine = new Engine({ database: ':memory:', scheduler, uuid, random: opts.random ?? (() => 0.5), activityPollMs: opts.activityPollMs, itemSource: opts.s3, resultSink: opts.s3 });
  if (opts.functions) engine.integrations.register(new ModuleFunctions({ functions: opts.functions, scheduler, uuid }));
  if (opts.tasks) {
    opts.tasks.attach(scheduler);
    engine.integrations.register(opts.tasks);
  }
  if (opts.standIns) {
    engine.integrations.register(new StandIns({ standIns: opts.standIns, scheduler, tokens: engine }));
    engine.integrations.explainUnsupported(missingStandInMessage);
  }
  const mockConfig = opts.mockConfig ?? process.env.SFN_MOCK_CONFIG;
  if (mockConfig) {
    engine.integrations.intercept(mockedResponses(typeof mockConfig === 'string' ? loadMockConfig(mockConfig) : checkMockConfig(mockConfig)));
  }
  let machines = 0;
  const idleWaiters: (() => void)[] = [];
  scheduler.onIdle = () => {
    if (idleWaiters.length === 0) return false;
    for (const w of idleWaiters.splice(0)) w();
    return true;
  };

  const create = (definition: object | string): string =>
    engine.createStateMachine({
      name: `machine-${++machines}`,
      definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
      roleArn: ROLE_ARN,
    }).arn;
  const start = (definition: object | string, input: JsonValue = {}): string => {
    const stateMachineArn = create(definition);
    return engine.startExecution({ stateMachineArn, name: `run-${machines}`, input: JSON.stringify(input) }).executionArn;
  };
  const finish = async (executionArn: string): Promise<RunResult> => {
    const outcome = await engine.waitFor(executionArn);
    return { outcome, history: engine.history(executionArn), executionArn };
  };
  return {
    engine,
    scheduler,
    create,
    start,
    finish,
    run: (definition, input) => finish(start(definition, input)),
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        // open and close a unit of work: the scheduler checks for idleness again
        scheduler.beginWork()();
      }),
    sleep: (seconds) => scheduler.sleepUntil(scheduler.now() + seconds * 1000).promise,
    now: () => scheduler.now(),
    teardown: () => {
      if (opts.coverage ?? process.env.LONGHAUL_COVERAGE === 'all') collectEngine(engine);
      engine.close();
    },
  };
}

/**
 * A `createTestEngine` whose environments are torn down after each test of the calling file.
 *
 * @example
 * const testEngine = testEngines();
 * it('...', async () => { const env = testEngine(); ... });
 */
export function testEngines(): (opts?: TestEngineOptions) => TestEngine {
  const open: TestEngine[] = [];
  afterEach(() => {
    for (const env of open.splice(0)) env.teardown();
  });
  return (opts) => {
    const env = createTestEngine(opts);
    open.push(env);
    return env;
  };
}

/**
 * The ApiError a synchronous engine call throws, as `{ type, message }`; `{ type: 'none' }` when
 * the call returns normally. Other errors propagate.
 */
export function apiError(act: () => unknown): { type: string; message: string } {
  try {
    act();
  } catch (e) {
    if (e instanceof ApiError) return { type: e.type, message: e.message };
    throw e;
  }
  return { type: 'none', message: '' };
}

/** The `type` of the ApiError a synchronous engine call throws (`'InvalidDefinition'`...), or `'none'`. */
export function apiErrorType(act: () => unknown): string {
  return apiError(act).type;
}

// ---- reading histories

/** The event types, in order. */
export function eventTypes(history: HistoryEvent[]): string[] {
  return history.map((e) => e.type);
}

/** The events of one type, in order. */
export function eventsOf(history: HistoryEvent[], type: string): HistoryEvent[] {
  return history.filter((e) => e.type === type);
}

/** The `*EventDetails` object of an event. */
export function detailsOf(event: HistoryEvent): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  return key ? (event[key] as Record<string, unknown>) : {};
}

/** Seconds of virtual time between the start of the execution and each event of a type. */
export function secondsAfterStart(history: HistoryEvent[], type: string): number[] {
  const t0 = history[0].timestamp;
  return eventsOf(history, type).map((e) => (e.timestamp - t0) / 1000);
}

/** Parses a JSON-text payload field of an event's details (`input`, `output`, `parameters`...). */
export function payloadOf(event: HistoryEvent, field: string): JsonValue {
  return JSON.parse(detailsOf(event)[field] as string) as JsonValue;
}

/** Real time, with every timer cancellable at the end of a test (an engine closed mid-wait leaves its timers armed). */
export class TrackedScheduler extends RealScheduler {
  readonly handles: TimerHandle[] = [];
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = super.setTimeout(fn, ms);
    this.handles.push(handle);
    return handle;
  }
}

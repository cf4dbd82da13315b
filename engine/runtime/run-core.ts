/**
 * What one execution is while it runs, and the primitives the runner's parts share: its frames,
 * its history as it is emitted, its abort signals and timers, and how it ends. The lifecycle
 * (interpreter.ts), the task effects (task-effects.ts) and the fan-out (fan-out.ts) are built on
 * it; nothing outside engine/runtime uses it directly.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { Branch, State, StateMachineDefinition } from '../definition/types.ts';
import { ExecutionError, QueryEvaluationError, StatesErrorName } from '../errors.ts';
import type { HistoryEvent, HistoryEventBody } from '../history/events.ts';
import { payloadText } from '../history/events.ts';
import * as events from '../history/builders.ts';
import type { Scheduler, TimerHandle } from './clock.ts';
import type { TaskIntegration } from './integrations.ts';
import { isStatesError, type DataflowContext, type Flow, type StatesError } from '../dataflow/index.ts';
import { FrameScope, StateScope } from './frame-scope.ts';
import { EvaluationAborted, type EvaluationBudget } from '../query/jsonata/index.ts';
import { SparseMap, type BranchResult, type Frame } from './frames.ts';
import { MapParts } from './map-parts.ts';
import { TaskEffects } from './task-effects.ts';

/** The largest history an execution may have: AWS's event 25,000 is the ExecutionFailed that ends it. */
export const MAX_HISTORY_EVENTS = 25_000;
/** AWS's cause when an execution reaches MAX_HISTORY_EVENTS. */
export const HISTORY_LIMIT_CAUSE = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;

export interface ExecutionInfo {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  accountId: string;
  region: string;
  startMs: number;
  input: JsonValue;
  redriveCount: number;
  /** a `#TestCase` named at StartExecution: mocked integrations answer for it */
  testCase?: string;
}

export type ExecutionOutcome =
  | { status: 'SUCCEEDED'; output: JsonValue }
  | { status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; error?: string; cause?: string };

/** What the runner needs from the engine around it. */
import type { ItemSource, ResultSink } from './map-io.ts';
import type { MapRunRow } from './map-runs.ts';
import type { ChildExecution } from './frames.ts';

export interface InterpreterServices {
  scheduler: Scheduler;
  integrations: TaskIntegration;
  /** called detached, as plain functions */
  uuid(): string;
  random(): number;
  /** how much work each JSONata expression may do */
  evaluationBudget?: EvaluationBudget;
  /** the run changed state that must be committed before anything outside sees it */
  markDirty(run: RunCore): void;
  /**
   * Called before a task invocation or a token is handed out: the promise resolves once what is
   * pending is committed (at the end of the turn; later while the store refuses commits).
   */
  commitNow(): Promise<void> | undefined;
  /** a task token was issued (registered for SendTask* calls) or settled */
  tokenIssued(run: RunCore, token: string, heartbeatSeconds: number | undefined): void;
  tokenClosed(token: string): void;
  /** an outcome SendTaskSuccess/Failure stored for a token before a restart */
  storedTokenOutcome(token: string): { output: JsonValue } | { error: string; cause?: string } | undefined;
  /** the worker that took an activity task (its name, '' when it gave none), when one took it; undefined while it waits for one */
  activityWorker?(token: string): string | undefined;
  /** where a Distributed Map's ItemReader reads, and its ResultWriter writes (S3) */
  itemSource?: ItemSource;
  resultSink?: ResultSink;
  /** a Map Run started, ended, or changed its limits: its row, for DescribeMapRun and ListMapRuns */
  mapRunChanged?(row: MapRunRow): void;
  /** a Distributed Map's child execution ended: its record and history go to the store */
  childExecutionEnded?(run: RunCore, child: ChildExecution): void;
  /** a child execution that ended before (a redrive runs it again): its status, event count, start, input and redrives */
  endedChildExecution?(arn: string): { status: string; events: number; startMs: number; input: string; redriveCount: number } | undefined;
}

export type { ChildExecution } from './frames.ts';

/**
 * Thrown through a frame's awaits when its branch is cancelled (a sibling failed, or StopExecution);
 * the same class JSONata's budget throws, so an expression cut short unwinds the frame alike.
 */
export const Aborted = EvaluationAborted;
export type Aborted = EvaluationAborted;

/** Why the execution is being ended from outside its states: StopExecution, or its own TimeoutSeconds. */
export type StopRequest = { kind: 'stop'; error?: string; cause?: string } | { kind: 'timeout' };

/** JSONata errors whose state must record an EvaluationFailed event before it fails. */
const evaluationErrors = new WeakSet<ExecutionError>();

export abstract class RunCore {
  readonly info: ExecutionInfo;
  readonly definition: StateMachineDefinition;
  readonly svc: InterpreterServices;
  readonly frames = new Map<string, Frame>();
  nextEventId = 1;
  protected pending: HistoryEvent[] = [];
  outcome: ExecutionOutcome | undefined;
  stopRequest: StopRequest | undefined;
  /** halt(): the execution is frozen at its last commit; nothing it does afterwards counts */
  halted = false;
  readonly mapParts: MapParts;
  readonly tasks: TaskEffects = new TaskEffects(this);
  /** frames asleep on a Wait or retry timer: wakes the frame now (skipTimers) */
  readonly sleepers = new SparseMap<string, () => void>();
  /** frames waiting for an iteration/branch to block or end (Map starts iterations one at a time) */
  readonly blockListeners = new SparseMap<string, () => void>();
  protected readonly abortControllers = new SparseMap<string, AbortController>();
  /** removes a frame's listener from its parent's signal */
  private readonly detachers = new SparseMap<string, () => void>();
  protected readonly stopListeners: (() => void)[] = [];
  /** timers armed through `sleepUntil`, cancelled by halt() */
  protected readonly liveTimers = new Set<TimerHandle>();
  private steps = 0;
  private startTimeText: string | undefined;

  constructor(info: ExecutionInfo, definition: StateMachineDefinition, services: InterpreterServices, partsNamed = 0) {
    this.info = info;
    this.definition = definition;
    this.svc = services;
    this.mapParts = new MapParts(partsNamed);
  }

  /** Runs a frame's branch to its end: the lifecycle, which the fan-out runs children through. */
  abstract runBranch(f: Frame): Promise<BranchResult>;

  /** Ends the execution FAILED with States.Runtime for a defect in the engine. */
  abstract crash(err: unknown): void;

  now(): number {
    return this.svc.scheduler.now();
  }

  markDirty(): void {
    this.svc.markDirty(this);
  }

  // ---- history

  /** Numbers and stamps an event; its members keep the order GetExecutionHistory serves them in. */
  emitRaw(previousEventId: number, body: HistoryEventBody): number {
    const id = this.nextEventId++;
    const ev: HistoryEvent = { timestamp: this.now(), type: body.type, id, previousEventId };
    // a loop, not a spread after fixed keys, which V8 builds slowly
    for (const k in body) if (k !== 'type') ev[k] = (body as Record<string, unknown>)[k];
    this.pending.push(ev);
    this.markDirty();
    return id;
  }

  /** Emits an event in a frame's thread; the frame's `last` moves to it unless `keepLast`. */
  emit(f: Frame, body: HistoryEventBody, opts: { prev?: number; keepLast?: boolean } = {}): number {
    // nothing follows the execution's last event (frames unwinding after the end record nothing)
    if (this.outcome) return f.last;
    if (f.silent) {
      const log = f.childLog === undefined ? undefined : this.frames.get(f.childLog)?.child;
      if (!log) return f.last;
      const id = this.emitChild(log, opts.prev ?? f.last, body);
      if (!opts.keepLast) f.last = id;
      return id;
    }
    if (this.nextEventId >= MAX_HISTORY_EVENTS) {
      // the event that would pass the limit is AWS's ExecutionFailed, wherever the frame is
      this.terminate(StatesErrorName.Runtime, HISTORY_LIMIT_CAUSE);
      throw new Aborted();
    }
    const id = this.emitRaw(opts.prev ?? f.last, body);
    if (!opts.keepLast) f.last = id;
    return id;
  }

  /** Numbers and stamps an event of a Distributed Map's child execution, in its own history. */
  emitChild(log: ChildExecution, previousEventId: number, body: HistoryEventBody): number {
    const id = log.nextId++;
    const ev: HistoryEvent = { timestamp: this.now(), type: body.type, id, previousEventId };
    for (const k in body) if (k !== 'type') ev[k] = (body as Record<string, unknown>)[k];
    log.events.push(ev);
    this.markDirty();
    return id;
  }

  /** Records the execution's end (once) and closes what it waited on. */
  protected finish(outcome: ExecutionOutcome, last: number): ExecutionOutcome {
    if (this.outcome) return this.outcome;
    if (outcome.status === 'SUCCEEDED') {
      this.emitRaw(last, events.executionSucceeded({ output: payloadText(outcome.output) }));
    } else {
      const ended = outcome.status === 'FAILED' ? events.executionFailed : outcome.status === 'TIMED_OUT' ? events.executionTimedOut : events.executionAborted;
      this.emitRaw(last, ended({ error: outcome.error, cause: outcome.cause }));
    }
    this.outcome = outcome;
    if (outcome.status === 'SUCCEEDED') this.frames.clear();
    this.tasks.closeAll();
    this.markDirty();
    return outcome;
  }

  /** The execution's last event is an ExecutionFailed now; every frame unwinds silently. */
  protected terminate(error: string, cause: string): void {
    if (this.outcome || this.halted) return;
    this.finish({ status: 'FAILED', error, cause }, this.nextEventId - 1);
    this.abortAll();
  }

  protected abortAll(): void {
    for (const c of this.abortControllers.values()) c.abort();
    for (const l of this.stopListeners.splice(0)) l();
  }

  // ---- frames

  newFrame(id: string, branchPath: (string | number)[], parent: string | null, state: string, input: JsonValue, last: number, vars: JsonObject): Frame {
    const f: Frame = {
      id, branchPath, parent, state, input, phase: { k: 'enter' }, last, enteredId: 0, enteredPrev: 0, enteredMs: 0,
      retryCounts: [], retryTotal: 0, vars,
    };
    const p = parent ? this.frames.get(parent) : undefined;
    if (p?.silent) f.silent = true;
    if (p?.childLog !== undefined) f.childLog = p.childLog;
    this.frames.set(id, f);
    return f;
  }

  /** Forgets a finished child frame. */
  dropFrame(id: string): void {
    this.frames.delete(id);
    this.abortControllers.delete(id);
    // a dropped frame's listener on its parent's signal goes too: a Map's signal would otherwise hold one per item ever run
    this.detachers.get(id)?.();
    this.detachers.delete(id);
  }

  /** Forgets every frame below `f` (a Map or Parallel that is done with its children). */
  dropChildren(f: Frame): void {
    const doomed = new Set<string>([f.id]);
    for (const [id, frame] of this.frames) {
      if (id !== f.id && frame.parent !== null && doomed.has(frame.parent)) doomed.add(id);
    }
    // frames are created parent first, so one pass in insertion order finds every descendant
    doomed.delete(f.id);
    for (const id of doomed) this.dropFrame(id);
  }

  branchOf(f: Frame): Branch {
    let node: unknown = this.definition;
    for (const k of f.branchPath) node = (node as Record<string | number, unknown>)[k];
    return node as Branch;
  }

  private allVars(f: Frame): JsonObject {
    const chain: Frame[] = [];
    for (let cur: Frame | undefined = f; cur; cur = cur.parent ? this.frames.get(cur.parent) : undefined) chain.push(cur);
    const out: JsonObject = {};
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, chain[i].vars);
    return out;
  }

  /** Assigns variables in the scope that declares them, else in the frame's own scope. */
  assignVars(f: Frame, values: JsonObject): void {
    for (const [name, value] of Object.entries(values)) {
      let target: Frame = f;
      for (let cur: Frame | undefined = f; cur; cur = cur.parent ? this.frames.get(cur.parent) : undefined) {
        if (Object.prototype.hasOwnProperty.call(cur.vars, name)) {
          target = cur;
          break;
        }
      }
      target.vars[name] = value;
    }
  }

  /** The context object (`$$`) of a state in frame `f`. */
  private contextObject(f: Frame, state: State): JsonObject {
    const child = f.childLog === undefined ? undefined : this.frames.get(f.childLog)?.child;
    const ctx: JsonObject = child ? this.childContext(child) : {
      Execution: {
        Id: this.info.executionArn,
        Input: this.info.input,
        StartTime: (this.startTimeText ??= new Date(this.info.startMs).toISOString()),
        Name: this.info.name,
        RoleArn: this.info.roleArn,
        ...(this.info.type === 'EXPRESS' ? {} : { RedriveCount: this.info.redriveCount }),
      },
      StateMachine: { Id: this.info.stateMachineArn, Name: this.info.stateMachineName },
    };
    ctx.State = { Name: f.state, EnteredTime: new Date(f.enteredMs).toISOString() };
    if (state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map') (ctx.State as JsonObject).RetryCount = f.retryTotal;
    return ctx;
  }

  /** A Distributed Map child's context object: its own execution, and the Map Run's state machine. */
  private childContext(child: ChildExecution): JsonObject {
    const machine = child.stateMachineArn.slice(child.stateMachineArn.indexOf(':stateMachine:') + ':stateMachine:'.length);
    return {
      Execution: {
        Id: child.arn, Input: JSON.parse(child.input) as JsonValue, StartTime: new Date(child.startMs).toISOString(), Name: child.name,
        RoleArn: this.info.roleArn, ...(child.type === 'EXPRESS' ? {} : { RedriveCount: child.redriveCount ?? 0 }),
      },
      StateMachine: { Id: child.stateMachineArn, Name: machine },
    };
  }

  /**
   * A state's context for its handler: its dataflow context and query language. The context object
   * and the variables are built the first time they are read, which most states never do.
   */
  stateScope(f: Frame, state: State, branch: Branch = this.branchOf(f)): StateScope {
    const language = state.QueryLanguage ?? branch.QueryLanguage ?? this.definition.QueryLanguage ?? 'JSONPath';
    return new StateScope(language, f.state, f.enteredId, this.svc, () => this.signalFor(f), (vars) => (vars ? this.allVars(f) : this.contextObject(f, state)));
  }

  /** The dataflow context alone (a Task's timeouts as SendTaskHeartbeat reads them). */
  scope(f: Frame, state: State): DataflowContext {
    return new FrameScope(f.state, f.enteredId, this.svc, () => this.signalFor(f), (vars) => (vars ? this.allVars(f) : this.contextObject(f, state)));
  }

  // ---- errors of evaluation

  /** A JSONata field's error: the state fails with it after an EvaluationFailed event. */
  evaluationFailed(err: StatesError): StatesError {
    if (err instanceof QueryEvaluationError) evaluationErrors.add(err);
    return err;
  }

  /** The value of a dataflow step, or its error thrown for Retry and Catch. */
  evaluated<T>(v: Flow<T>): T {
    if (isStatesError(v)) throw this.evaluationFailed(v);
    return v;
  }

  /** Whether `err` earns an EvaluationFailed event, which it earns once. */
  takeEvaluationFailure(err: ExecutionError): boolean {
    return evaluationErrors.delete(err);
  }

  // ---- signals, timers, turns

  signalFor(f: Frame): AbortSignal {
    let c = this.abortControllers.get(f.id);
    if (!c) {
      c = new AbortController();
      this.abortControllers.set(f.id, c);
      const parent = f.parent ? this.signalFor(this.frames.get(f.parent)!) : undefined;
      if (parent) {
        if (parent.aborted) c.abort();
        else {
          const onAbort = () => c!.abort();
          parent.addEventListener('abort', onAbort, { once: true });
          this.detachers.set(f.id, () => parent.removeEventListener('abort', onAbort));
        }
      }
      if (this.stopRequest || this.outcome) c.abort();
    }
    return c.signal;
  }

  /** Aborts the children of `f` but `except`. */
  abortChildren(f: Frame, except: string): void {
    for (const [id, c] of this.abortControllers) {
      if (id !== except && this.frames.get(id)?.parent === f.id) c.abort();
    }
  }

  /** Awaits `p` unless the frame (or an ancestor) is aborted first. */
  guard<T>(f: Frame, p: Promise<T>): Promise<T> {
    const signal = this.signalFor(f);
    if (signal.aborted) return Promise.reject(new Aborted());
    return new Promise<T>((resolve, reject) => {
      // a halted execution ignores what comes back: it resumes from its last commit elsewhere
      const onAbort = () => {
        if (!this.halted) reject(new Aborted());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          if (!this.halted) resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          if (!this.halted) reject(e);
        },
      );
    });
  }

  /** A scheduler timer this execution can cancel when it halts. */
  sleepUntil(at: number): { promise: Promise<void>; handle: TimerHandle } {
    const t = this.svc.scheduler.sleepUntil(at);
    const handle: TimerHandle = {
      at: t.handle.at,
      cancel: () => {
        this.liveTimers.delete(handle);
        t.handle.cancel();
      },
    };
    // every owner cancels its timer once done with it, which forgets it here too
    this.liveTimers.add(handle);
    return { promise: t.promise, handle };
  }

  /** Sleeps frame `f` until `at`, or until skipTimers wakes it. */
  async sleep(f: Frame, at: number): Promise<void> {
    const { promise, handle } = this.sleepUntil(at);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.sleepers.set(f.id, wake);
    this.notifyBlocked(f);
    try {
      await this.guard(f, Promise.race([promise, woken]));
    } finally {
      handle.cancel();
      this.sleepers.delete(f.id);
    }
  }

  /** Frame `f` waits (or ended): whoever waited for it to block goes on. */
  notifyBlocked(f: Frame): void {
    const l = this.blockListeners.get(f.id);
    if (l) {
      this.blockListeners.delete(f.id);
      l();
    }
  }

  /** A promise that never settles: where a halted execution's frames stop. */
  protected frozen<T>(): Promise<T> {
    return new Promise<T>(() => {});
  }

  /**
   * Where a frame is about to do something new (enter a state, invoke a task, start an
   * iteration): freezes once halted, throws Aborted once the execution has ended or is stopping.
   */
  async checkpoint(): Promise<void> {
    if (this.halted) await this.frozen();
    if (this.outcome || this.stopRequest) throw new Aborted();
  }

  /** Every 500 steps, a turn of the event loop for everything else. */
  async maybeYield(): Promise<void> {
    if (++this.steps % 500 !== 0) return;
    const done = this.svc.scheduler.beginWork();
    try {
      await new Promise<void>((r) => setImmediate(r));
    } finally {
      done();
    }
  }

  /** A failure nobody awaits (a detached iteration): Aborted is a normal end; anything else is a defect. */
  detachedFailure(e: unknown): void {
    if (!(e instanceof Aborted)) this.crash(e);
  }
}


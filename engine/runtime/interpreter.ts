/**
 * The interpreter: runs one execution of a state machine, the only place that performs effects
 * (task invocations, timers, task tokens). Pure state logic lives in engine/states/.
 *
 * An execution is a tree of frames: the root branch, and a child frame per Parallel branch and
 * per Map iteration, each with its own variable scope. Every await point of a frame corresponds
 * to a `phase` stored in the frame, so the whole tree can be written as a snapshot and resumed
 * after a restart from its last commit: a resumed frame continues from its phase without
 * re-emitting the events it had already committed.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type {
  Branch, Catcher, FailState, MapState, ParallelState, State, StateMachineDefinition,
  TaskState, WaitState, QueryLanguage,
} from '../definition/types.ts';
import { isDistributedMap, mapProcessor } from '../definition/types.ts';
import { ExecutionError, QueryEvaluationError, RuntimeError, StatesErrorName, asExecutionError, stateErrorCause } from '../errors.ts';
import type { HistoryEvent, HistoryEventBody, TaskResource } from '../history/events.ts';
import { payloadText, rememberText, rememberedText } from '../history/events.ts';
import * as events from '../history/builders.ts';
import type { Scheduler, TimerHandle } from './clock.ts';
import type { TaskFlavor, TaskIntegration } from './integrations.ts';
import { resolvePath } from '../query/jsonpath/index.ts';
import {
  evaluateField, fieldError, isStatesError, pathRoots, payloadSizeError,
  processBatches, processCatch, processInput, processItem, processItems, processOutput,
  type DataflowContext, type Exit, type Flow, type StatesError,
} from '../dataflow/index.ts';
import { FrameScope, StateScope } from './frame-scope.ts';
import { backoffMs, findCatcher, findRetrier } from '../states/retry.ts';
import { evaluateState, type HandledState, type Outcome } from '../states/index.ts';
import { EvaluationAborted, type EvaluationBudget } from '../query/jsonata/index.ts';

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

/** What the interpreter needs from the engine around it. */
export interface InterpreterServices {
  scheduler: Scheduler;
  integrations: TaskIntegration;
  /** called detached, as plain functions */
  uuid(): string;
  random(): number;
  /** how much work each JSONata expression may do */
  evaluationBudget?: EvaluationBudget;
  /** the interpreter changed state that must be committed before anything outside sees it */
  markDirty(run: ExecutionRun): void;
  /**
   * Called before a task invocation or a token is handed out: the promise resolves once what is
   * pending is committed (at the end of the turn; later while the store refuses commits).
   */
  commitNow(): Promise<void> | undefined;
  /** a task token was issued (registered for SendTask* calls) or settled */
  tokenIssued(run: ExecutionRun, token: string, heartbeatSeconds: number | undefined): void;
  tokenClosed(token: string): void;
  /** an outcome SendTaskSuccess/Failure stored for a token before a restart */
  storedTokenOutcome(token: string): { output: JsonValue } | { error: string; cause?: string } | undefined;
}

type Phase =
  | { k: 'enter' }
  | { k: 'run' }
  | { k: 'backoff'; at: number }
  | { k: 'wait'; at: number; output: JsonValue; assign: JsonObject | null }
  | {
    k: 'task'; params: JsonValue; token?: string; timeoutAt?: number; heartbeatAt?: number; started?: boolean; submitted?: boolean;
    /** a token task whose integration returned: only the token (or a timeout) moves it now, and a resume does not invoke it again */
    invoked?: boolean;
  }
  | { k: 'parallel'; input: JsonValue; results: (JsonValue | null)[]; done: boolean[]; children: string[] }
  | MapPhase;

interface MapPhase {
  k: 'map';
  items: JsonValue[];
  /** the effective input, for ItemSelector */
  input: JsonValue;
  results: (JsonValue | null)[];
  status: ('pending' | 'running' | 'ok' | 'failed')[];
  children: Record<number, string>;
  maxConcurrency: number;
  toleratedCount: number;
  toleratedPercentage: number;
  failures: number;
  /** previousEventId for the next MapIterationStarted */
  iterPrev: number;
  mapRunArn?: string;
}

type ItemStatus = MapPhase['status'][number];

/**
 * A Map phase as its snapshot holds it: the items and the input are written once as a snapshot
 * part (`<part>:base`), and each commit appends the items whose status changed since the one
 * before (`<part>:<n>`, `[index, status, result?][]`), so a commit costs what changed, not the
 * whole phase. After MAX_MAP_LOGS logs, a new part's base holds every item's status and result,
 * so a resume reads a bounded number of logs.
 */
interface StoredMapPhase extends Omit<MapPhase, 'items' | 'input' | 'results' | 'status'> {
  part: string;
  logs: number;
}

/** What a Map phase has written of itself so far. */
interface MapSaves {
  part: string;
  base: boolean;
  logs: number;
  /** items changed since the last snapshot */
  dirty: Set<number>;
}

/** Snapshot parts to write with a snapshot, and parts (by phase) no snapshot refers to any longer. */
export interface RunSnapshot {
  text: string;
  parts: { key: string; body: string }[];
  dropped: string[];
}

interface Frame {
  id: string;
  /** path from the definition root to this frame's Branch */
  branchPath: (string | number)[];
  parent: string | null;
  state: string;
  input: JsonValue;
  phase: Phase;
  /** id of the last event in this frame's thread: the next event's previousEventId */
  last: number;
  enteredId: number;
  enteredPrev: number;
  enteredMs: number;
  retryCounts: number[];
  retryTotal: number;
  vars: JsonObject;
  mapItem?: { index: number; value: JsonValue };
  ended?: boolean;
  /** a child execution of a Distributed Map: its events belong to its own history, not this one */
  silent?: boolean;
}

interface Snapshot {
  nextEventId: number;
  /** frames as stored: a Map phase's items and results live in snapshot parts */
  frames: (Frame | (Omit<Frame, 'phase'> & { phase: StoredMapPhase }))[];
  status: 'RUNNING';
  /** the number of Map phase parts named so far */
  parts?: number;
  /** a StopExecution not yet carried out: a resumed run carries it out */
  stop?: { error?: string; cause?: string };
}

/** `text`, when known, is the output's payload text as history shows it, for the next Entered event. */
type StateOutcome = { kind: 'next'; next: string; output: JsonValue; text?: string } | { kind: 'end'; output: JsonValue; text?: string };
/** taskAborted: the branch ended on a Task's own uncaught failure, which AWS records as TaskStateAborted */
type BranchResult = { ok: true; output: JsonValue } | { ok: false; error: ExecutionError; taskAborted?: boolean };

/** A Wait state or retry back-off timer an execution is asleep on. */
export interface PendingTimer {
  /** the waiting frame: names the timer for skipTimers */
  id: string;
  stateName: string;
  kind: 'Wait' | 'Retry';
  /** when it fires, epoch milliseconds */
  fireMs: number;
  /** the Map iteration the state runs in */
  mapIndex?: number;
}

/** A `.waitForTaskToken` task waiting for SendTaskSuccess/Failure. */
export interface PendingToken {
  id: string;
  stateName: string;
  taskToken: string;
  mapIndex?: number;
}

export interface PendingWork {
  timers: PendingTimer[];
  tokens: PendingToken[];
}

/**
 * Thrown through a frame's awaits when its branch is cancelled (a sibling failed, or StopExecution);
 * the same class JSONata's budget throws, so an expression cut short unwinds the frame alike.
 */
const Aborted = EvaluationAborted;
type Aborted = EvaluationAborted;

/** A failure that already produced its history events; handlers must not emit them again. */
interface TaskErrorInfo {
  fromTask: boolean;
}

const taskErrors = new WeakMap<ExecutionError, TaskErrorInfo>();
/** Map iterations cut while in a Task: the Map records their TaskStateAborted after its MapIterationAborted */
const cutInTask = new WeakSet<Frame>();

/**
 * One execution. `run()` starts it, or resumes it from a snapshot, and resolves with its outcome.
 *
 * @example
 * const run = new ExecutionRun(info, definition, services);
 * const outcome = await run.run();
 */
export class ExecutionRun {
  readonly info: ExecutionInfo;
  readonly definition: StateMachineDefinition;
  private readonly svc: InterpreterServices;
  private frames = new Map<string, Frame>();
  private nextEventId = 1;
  private pending: HistoryEvent[] = [];
  private outcome: ExecutionOutcome | undefined;
  // most executions use few of these maps: each allocates its table on first write
  private readonly abortControllers = new SparseMap<string, AbortController>();
  private readonly tokenWaiters = new SparseMap<string, { resolve: (v: JsonValue) => void; reject: (e: unknown) => void; frame: string }>();
  private steps = 0;
  /** why the execution is being ended from outside its states: StopExecution, or its own TimeoutSeconds */
  private stopRequest: { kind: 'stop'; error?: string; cause?: string } | { kind: 'timeout' } | undefined;
  private readonly stopListeners: (() => void)[] = [];
  private executionTimer: TimerHandle | undefined;
  /** frames waiting for an iteration/branch to block or end (Map starts iterations one at a time) */
  private readonly blockListeners = new SparseMap<string, () => void>();
  private readonly mapSaves = new SparseMap<MapPhase, MapSaves>();
  private partSeq = 0;
  /** halt(): the execution is frozen at its last commit; nothing it does afterwards counts */
  private halted = false;
  /** timers armed through `sleepUntil`, cancelled by halt() */
  private readonly liveTimers = new Set<TimerHandle>();

  /**
   * `snapshot` resumes the execution from a commit; `loadParts` reads that commit's snapshot parts
   * (called only when the snapshot refers to any).
   */
  constructor(info: ExecutionInfo, definition: StateMachineDefinition, services: InterpreterServices, snapshot?: string, loadParts?: () => Map<string, string>) {
    this.info = info;
    this.definition = definition;
    this.svc = services;
    if (snapshot) {
      const s = JSON.parse(snapshot) as Snapshot;
      this.nextEventId = s.nextEventId;
      this.partSeq = s.parts ?? 0;
      if (s.stop) this.stopRequest = { kind: 'stop', ...s.stop };
      let parts: Map<string, string> | undefined;
      for (const f of s.frames) {
        const stored = f.phase as Phase | StoredMapPhase;
        const phase = stored.k === 'map' && 'part' in stored ? this.restoreMap(stored, (parts ??= loadParts?.() ?? new Map())) : (stored as Phase);
        this.frames.set(f.id, { ...f, phase });
      }
    }
  }

  get ended(): boolean {
    return this.outcome !== undefined;
  }

  get result(): ExecutionOutcome | undefined {
    return this.outcome;
  }

  get eventCount(): number {
    return this.nextEventId - 1;
  }

  /** Events emitted since the last call, for the commit. */
  takeEvents(): HistoryEvent[] {
    const e = this.pending;
    this.pending = [];
    return e;
  }

  /** The resumable state, or null once the execution has ended. Each call is one commit's. */
  snapshot(): RunSnapshot | null {
    // a successful run needs nothing more; an unsuccessful one keeps its frames for a redrive
    if (this.outcome && (this.outcome.status === 'SUCCEEDED' || this.info.type === 'EXPRESS')) return null;
    const parts: RunSnapshot['parts'] = [];
    const dropped: string[] = [];
    const live = new Set<MapPhase>();
    const frames = [...this.frames.values()].map((f) => {
      if (f.phase.k !== 'map') return f;
      live.add(f.phase);
      return { ...f, phase: this.storeMap(f.phase, parts, dropped) };
    });
    for (const [phase, saves] of this.mapSaves) {
      if (live.has(phase)) continue;
      this.mapSaves.delete(phase);
      if (saves.base) dropped.push(saves.part);
    }
    const s: Snapshot = { nextEventId: this.nextEventId, frames, status: 'RUNNING', parts: this.partSeq };
    if (this.stopRequest?.kind === 'stop' && !this.outcome) s.stop = cleanStop(this.stopRequest);
    return { text: JSON.stringify(s), parts, dropped };
  }

  private saves(phase: MapPhase): MapSaves {
    let saves = this.mapSaves.get(phase);
    if (!saves) {
      saves = { part: `m${this.partSeq++}`, base: false, logs: 0, dirty: new Set() };
      this.mapSaves.set(phase, saves);
    }
    return saves;
  }

  private storeMap(phase: MapPhase, parts: RunSnapshot['parts'], dropped: string[]): StoredMapPhase {
    const saves = this.saves(phase);
    if (saves.base && saves.logs >= MAX_MAP_LOGS && saves.dirty.size > 0) {
      // compact: a new base with every item's status and result replaces the base and its logs
      dropped.push(saves.part);
      saves.part = `m${this.partSeq++}`;
      saves.logs = 0;
      parts.push({ key: `${saves.part}:base`, body: JSON.stringify({ items: phase.items, input: phase.input, status: phase.status, results: phase.results }) });
      saves.dirty.clear();
    }
    if (!saves.base) {
      parts.push({ key: `${saves.part}:base`, body: JSON.stringify({ items: phase.items, input: phase.input }) });
      saves.base = true;
      // a base written now already holds every item as it is: nothing to log before it
      for (const i of saves.dirty) {
        if (phase.status[i] === 'pending') saves.dirty.delete(i);
      }
    }
    if (saves.dirty.size > 0) {
      const log: unknown[] = [];
      for (const i of saves.dirty) log.push(phase.status[i] === 'ok' ? [i, phase.status[i], phase.results[i]] : [i, phase.status[i]]);
      parts.push({ key: `${saves.part}:${saves.logs++}`, body: JSON.stringify(log) });
      saves.dirty.clear();
    }
    const { items: _items, input: _input, results: _results, status: _status, ...rest } = phase;
    return { ...rest, part: saves.part, logs: saves.logs };
  }

  private restoreMap(stored: StoredMapPhase, parts: Map<string, string>): MapPhase {
    const { part, logs, ...rest } = stored;
    const base = JSON.parse(parts.get(`${part}:base`) ?? 'null') as { items: JsonValue[]; input: JsonValue; status?: ItemStatus[]; results?: (JsonValue | null)[] } | null;
    if (!base) throw new Error(`snapshot part ${part}:base is missing`);
    const phase: MapPhase = {
      ...rest, items: base.items, input: base.input,
      results: base.results ?? base.items.map(() => null), status: base.status ?? base.items.map((): ItemStatus => 'pending'),
    };
    for (let n = 0; n < logs; n++) {
      const log = JSON.parse(parts.get(`${part}:${n}`) ?? 'null') as ([number, ItemStatus] | [number, ItemStatus, JsonValue])[] | null;
      if (!log) throw new Error(`snapshot part ${part}:${n} is missing`);
      for (const entry of log) {
        phase.status[entry[0]] = entry[1];
        if (entry.length === 3) phase.results[entry[0]] = entry[2];
      }
    }
    this.mapSaves.set(phase, { part, base: true, logs, dirty: new Set() });
    return phase;
  }

  /** Sets an item's status (and result), and notes it for the next snapshot. */
  private setItem(phase: MapPhase, index: number, status: ItemStatus, result?: JsonValue): void {
    phase.status[index] = status;
    if (result !== undefined || status === 'ok') phase.results[index] = result as JsonValue;
    this.saves(phase).dirty.add(index);
  }

  /** Forgets a finished child frame. */
  private dropFrame(id: string): void {
    this.frames.delete(id);
    this.abortControllers.delete(id);
  }

  /** Forgets every frame below `f` (a Map or Parallel that is done with its children). */
  private dropChildren(f: Frame): void {
    const doomed = new Set<string>([f.id]);
    for (const [id, frame] of this.frames) {
      if (id !== f.id && frame.parent !== null && doomed.has(frame.parent)) doomed.add(id);
    }
    // frames are created parent first, so one pass in insertion order finds every descendant
    doomed.delete(f.id);
    for (const id of doomed) this.dropFrame(id);
  }

  /**
   * RedriveExecution: the next `run()` continues this failed, aborted or timed-out execution from
   * the states that did not succeed (only the failed or aborted iterations and branches of a Map
   * or Parallel run again). The snapshot came from `snapshot()` after the execution ended.
   */
  prepareRedrive(): void {
    this.redriving = true;
  }

  private redriving = false;

  private rewindForRedrive(redrivenId: number): void {
    for (const f of this.frames.values()) {
      f.ended = false;
      const phase = f.phase;
      if (phase.k === 'map') {
        for (let i = 0; i < phase.status.length; i++) {
          if (phase.status[i] !== 'failed') continue;
          this.setItem(phase, i, phase.children[i] !== undefined ? 'running' : 'pending');
        }
        phase.failures = 0;
        phase.iterPrev = redrivenId;
      } else if (phase.k !== 'parallel') {
        f.phase = { k: 'enter' };
      }
    }
    const root = this.frames.get('0');
    if (root) root.last = redrivenId;
  }

  /**
   * Runs (or resumes) the execution to its end. Never rejects: a defect anywhere in the
   * execution's stepping ends it FAILED with States.Runtime and the defect as the cause.
   */
  async run(): Promise<ExecutionOutcome> {
    try {
      return await this.runToEnd();
    } catch (e) {
      if (this.halted) return this.frozen();
      this.crash(e);
      return this.outcome!;
    }
  }

  private async runToEnd(): Promise<ExecutionOutcome> {
    let root = this.frames.get('0');
    if (this.redriving && root) {
      this.redriving = false;
      const id = this.emitRaw(this.nextEventId - 1, events.executionRedriven({ redriveCount: this.info.redriveCount }));
      this.rewindForRedrive(id);
    }
    if (!root) {
      this.emitRaw(0, events.executionStarted({ input: payloadText(this.info.input), roleArn: this.info.roleArn }));
      root = this.newFrame('0', [], null, this.definition.StartAt, this.info.input, 0, {});
      this.svc.markDirty(this);
    }
    this.armExecutionTimeout();
    let result: BranchResult;
    try {
      result = await this.runBranch(root);
    } catch (e) {
      if (!(e instanceof Aborted)) throw e;
      result = { ok: false, error: new ExecutionError('States.Aborted') };
    } finally {
      this.executionTimer?.cancel();
    }
    if (this.outcome) return this.outcome;
    if (this.halted) return this.frozen();
    // AWS records a timed-out execution with neither error nor cause
    if (this.stopRequest?.kind === 'timeout') return this.finish({ status: 'TIMED_OUT' }, root.last);
    if (this.stopRequest) return this.finish({ status: 'ABORTED', ...cleanStop(this.stopRequest) }, root.last);
    if (result.ok) return this.finish({ status: 'SUCCEEDED', output: result.output }, root.last);
    return this.finish({ status: 'FAILED', error: result.error.error, cause: result.error.causeText }, root.last);
  }

  /** StopExecution: aborts every frame; the execution ends ABORTED. */
  stop(error?: string, cause?: string): void {
    if (this.outcome || this.stopRequest || this.halted) return;
    this.stopRequest = { kind: 'stop', error, cause };
    // the request is part of the next snapshot: a restart before the execution has ended still stops it
    this.svc.markDirty(this);
    this.abortAll();
  }

  /**
   * Ends the execution FAILED with States.Runtime at once, whatever its frames are doing: for a
   * defect in the engine (an exception in its stepping, a snapshot that cannot be serialized).
   * Its frames unwind without recording anything more.
   */
  crash(err: unknown): void {
    this.terminate(StatesErrorName.Runtime, err instanceof Error ? err.message : String(err));
  }

  /**
   * Freezes the execution at its last commit (the engine is stopping): it takes no further step,
   * and completions that arrive later (a task failing as its runtime closes, a timer, a token) are
   * ignored. A new engine on the same store resumes it from that commit.
   */
  halt(): void {
    if (this.halted) return;
    this.halted = true;
    this.executionTimer?.cancel();
    for (const t of this.liveTimers) t.cancel();
    this.liveTimers.clear();
    // unwinds every frame, a runaway expression's too, without recording anything: the run is halted
    this.abortAll();
  }

  /** The execution's last event is an ExecutionFailed now; every frame unwinds silently. */
  private terminate(error: string, cause: string): void {
    if (this.outcome || this.halted) return;
    this.finish({ status: 'FAILED', error, cause }, this.nextEventId - 1);
    this.abortAll();
  }

  private abortAll(): void {
    for (const c of this.abortControllers.values()) c.abort();
    for (const l of this.stopListeners.splice(0)) l();
  }

  /** A promise that never settles: where a halted execution's frames stop. */
  private frozen<T>(): Promise<T> {
    return new Promise<T>(() => {});
  }

  /**
   * Where a frame is about to do something new (enter a state, invoke a task, start an
   * iteration): freezes once halted, throws Aborted once the execution has ended or is stopping.
   */
  private async checkpoint(): Promise<void> {
    if (this.halted) await this.frozen();
    if (this.outcome || this.stopRequest) throw new Aborted();
  }

  /** SendTaskSuccess / SendTaskFailure for a token of this execution. */
  settleToken(token: string, outcome: { output: JsonValue } | { error: string; cause?: string }): boolean {
    const w = this.tokenWaiters.get(token);
    if (!w) return false;
    this.tokenWaiters.delete(token);
    if ('output' in outcome) w.resolve(outcome.output);
    else w.reject(new ExecutionError(outcome.error, outcome.cause));
    return true;
  }

  /** SendTaskHeartbeat: pushes the heartbeat deadline of the task waiting on `token`. */
  heartbeat(token: string): boolean {
    const w = this.tokenWaiters.get(token);
    if (!w) return false;
    const f = this.frames.get(w.frame);
    if (f && f.phase.k === 'task' && f.phase.heartbeatAt !== undefined) {
      const hb = this.heartbeatSeconds(f);
      if (hb !== undefined) {
        f.phase.heartbeatAt = this.now() + hb * 1000;
        this.heartbeatKick.get(w.frame)?.();
        this.svc.markDirty(this);
      }
    }
    return true;
  }

  private readonly heartbeatKick = new SparseMap<string, () => void>();
  /** frames asleep on a Wait or retry timer: wakes the frame now (skipTimers) */
  private readonly sleepers = new SparseMap<string, () => void>();

  // ------------------------------------------------------------------------------------------
  // events and frames

  private now(): number {
    return this.svc.scheduler.now();
  }

  /** Numbers and stamps an event; its members keep the order GetExecutionHistory serves them in. */
  private emitRaw(previousEventId: number, body: HistoryEventBody): number {
    const id = this.nextEventId++;
    const ev: HistoryEvent = { timestamp: this.now(), type: body.type, id, previousEventId };
    // a loop, not a spread after fixed keys, which V8 builds slowly
    for (const k in body) if (k !== 'type') ev[k] = (body as Record<string, unknown>)[k];
    this.pending.push(ev);
    this.svc.markDirty(this);
    return id;
  }

  /** Emits an event in a frame's thread; the frame's `last` moves to it unless `keepLast`. */
  private emit(f: Frame, body: HistoryEventBody, opts: { prev?: number; keepLast?: boolean } = {}): number {
    // nothing follows the execution's last event (frames unwinding after the end record nothing)
    if (this.outcome || f.silent) return f.last;
    if (this.nextEventId >= MAX_HISTORY_EVENTS) {
      // the event that would pass the limit is AWS's ExecutionFailed, wherever the frame is
      this.terminate(StatesErrorName.Runtime, HISTORY_LIMIT_CAUSE);
      throw new Aborted();
    }
    const id = this.emitRaw(opts.prev ?? f.last, body);
    if (!opts.keepLast) f.last = id;
    return id;
  }

  private newFrame(id: string, branchPath: (string | number)[], parent: string | null, state: string, input: JsonValue, last: number, vars: JsonObject): Frame {
    const f: Frame = {
      id, branchPath, parent, state, input, phase: { k: 'enter' }, last, enteredId: 0, enteredPrev: 0, enteredMs: 0,
      retryCounts: [], retryTotal: 0, vars,
    };
    if (parent && this.frames.get(parent)?.silent) f.silent = true;
    this.frames.set(id, f);
    return f;
  }

  private branchOf(f: Frame): Branch {
    let node: unknown = this.definition;
    for (const k of f.branchPath) node = (node as Record<string | number, unknown>)[k];
    return node as Branch;
  }

  private queryLanguage(state: State, branch?: Branch): QueryLanguage {
    return state.QueryLanguage ?? branch?.QueryLanguage ?? this.definition.QueryLanguage ?? 'JSONPath';
  }

  private allVars(f: Frame): JsonObject {
    const chain: Frame[] = [];
    for (let cur: Frame | undefined = f; cur; cur = cur.parent ? this.frames.get(cur.parent) : undefined) chain.push(cur);
    const out: JsonObject = {};
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, chain[i].vars);
    return out;
  }

  /** Assigns variables in the scope that declares them, else in the frame's own scope. */
  private assignVars(f: Frame, values: JsonObject): void {
    for (const [name, value] of Object.entries(values)) {
      let target: Frame = f;
      for (let cur: Frame | undefined = f; cur; cur = cur.parent ? this.frames.get(cur.parent) : undefined) {
        if (Object.prototype.hasOwnProperty.call(cur.vars, name)) {
          target = cur;
          break;
        }
      }
      if (target === f && !Object.prototype.hasOwnProperty.call(f.vars, name)) target = f;
      target.vars[name] = value;
    }
  }

  private startTimeText: string | undefined;

  private context(f: Frame, state: State, token?: string): JsonObject {
    const ctx: JsonObject = {
      Execution: {
        Id: this.info.executionArn,
        Input: this.info.input,
        StartTime: (this.startTimeText ??= new Date(this.info.startMs).toISOString()),
        Name: this.info.name,
        RoleArn: this.info.roleArn,
        ...(this.info.type === 'EXPRESS' ? {} : { RedriveCount: this.info.redriveCount }),
      },
      StateMachine: { Id: this.info.stateMachineArn, Name: this.info.stateMachineName },
      State: { Name: f.state, EnteredTime: new Date(f.enteredMs).toISOString() } as JsonObject,
    };
    if (state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map') (ctx.State as JsonObject).RetryCount = f.retryTotal;
    if (token) ctx.Task = { Token: token };
    return ctx;
  }

  /**
   * What the dataflow of a state in frame `f` reads besides its input. The context object and the
   * variables are built the first time they are read, which most states never do.
   */
  private scope(f: Frame, state: State, token?: string): DataflowContext {
    return new FrameScope(f.state, f.enteredId, this.svc, () => this.signalFor(f), (vars) => (vars ? this.allVars(f) : this.context(f, state, token)));
  }

  /** The value of a JSONPath step, or its error thrown for Retry and Catch. */
  private ok<T>(v: Flow<T>): T {
    if (isStatesError(v)) throw v;
    return v;
  }

  /** The value of a JSONata step; its error also earns the state an EvaluationFailed event. */
  private evaluated<T>(v: Flow<T>): T {
    if (isStatesError(v)) throw this.evaluationFailed(v);
    return v;
  }

  /** A JSONata field's error: the state fails with it after an EvaluationFailed event. */
  private evaluationFailed(err: StatesError): StatesError {
    if (err instanceof QueryEvaluationError) evaluationErrors.add(err);
    return err;
  }



  private async maybeYield(): Promise<void> {
    if (++this.steps % 500 !== 0) return;
    const done = this.svc.scheduler.beginWork();
    try {
      await new Promise<void>((r) => setImmediate(r));
    } finally {
      done();
    }
  }

  /** Awaits `p` unless the frame (or an ancestor) is aborted first. */
  private guard<T>(f: Frame, p: Promise<T>): Promise<T> {
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
  private sleepUntil(at: number): { promise: Promise<void>; handle: TimerHandle } {
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

  private signalFor(f: Frame): AbortSignal {
    let c = this.abortControllers.get(f.id);
    if (!c) {
      c = new AbortController();
      this.abortControllers.set(f.id, c);
      const parent = f.parent ? this.signalFor(this.frames.get(f.parent)!) : undefined;
      if (parent) {
        if (parent.aborted) c.abort();
        else parent.addEventListener('abort', () => c!.abort(), { once: true });
      }
      if (this.stopRequest || this.outcome) c.abort();
    }
    return c.signal;
  }

  private async sleep(f: Frame, at: number): Promise<void> {
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

  /**
   * Wait-state and retry timers in flight, and the tokens the execution waits on: what is pending now.
   * `stored`: read from the frames alone, for a run loaded from a resting execution's snapshot and
   * not started (every frame of a resting execution waits).
   */
  pendingWork(stored = false): PendingWork {
    const timers: PendingTimer[] = [];
    const tokens: PendingToken[] = [];
    for (const f of this.frames.values()) {
      if (stored && f.ended) continue;
      const mapIndex = f.mapItem === undefined ? {} : { mapIndex: f.mapItem.index };
      if ((f.phase.k === 'wait' || f.phase.k === 'backoff') && (stored || this.sleepers.has(f.id))) {
        timers.push({ id: f.id, stateName: f.state, kind: f.phase.k === 'wait' ? 'Wait' : 'Retry', fireMs: f.phase.at, ...mapIndex });
      } else if (f.phase.k === 'task' && f.phase.token !== undefined && (stored ? f.phase.invoked === true : this.tokenWaiters.has(f.phase.token))) {
        tokens.push({ id: f.id, stateName: f.state, taskToken: f.phase.token, ...mapIndex });
      }
    }
    return { timers, tokens };
  }

  /**
   * Whether the execution can rest in the store: it has not ended, is not being stopped, and every
   * frame waits on a timer (a Wait, a retry back-off) or on a task token whose task was handed out,
   * with no task in flight and no Map iteration left to start. Returns its earliest wake-up (null
   * when only a token can wake it), or undefined when it cannot rest. The caller makes sure that
   * nothing of it is uncommitted.
   */
  restingDue(): number | null | undefined {
    if (this.outcome || this.halted || this.stopRequest || this.redriving || this.pending.length > 0) return undefined;
    let due: number | null = null;
    const earliest = (at: number | undefined) => {
      if (at !== undefined && (due === null || at < due)) due = at;
    };
    let waiting = 0;
    const maps: MapPhase[] = [];
    for (const f of this.frames.values()) {
      if (f.ended) continue;
      const phase = f.phase;
      switch (phase.k) {
        case 'wait':
        case 'backoff':
          if (!this.sleepers.has(f.id)) return undefined;
          earliest(phase.at);
          waiting++;
          break;
        case 'task':
          if (phase.token === undefined || !phase.invoked || !this.tokenWaiters.has(phase.token)) return undefined;
          earliest(phase.timeoutAt);
          earliest(phase.heartbeatAt);
          waiting++;
          break;
        case 'parallel':
          break;
        case 'map':
          maps.push(phase);
          break;
        default:
          return undefined;
      }
    }
    if (waiting === 0) return undefined;
    // a Map still starting iterations is busy; one at its concurrency limit waits on its iterations
    for (const phase of maps) {
      let running = 0;
      let pending = 0;
      for (const st of phase.status) {
        if (st === 'running') running++;
        else if (st === 'pending') pending++;
      }
      if (pending > 0 && !(phase.maxConcurrency > 0 && running >= phase.maxConcurrency)) return undefined;
    }
    const t = this.definition.TimeoutSeconds;
    if (t !== undefined) earliest(this.info.startMs + t * 1000);
    return due;
  }

  /** Whether a frame of this run waits on `token`, read from its frames (true before a loaded run has reached the task again). */
  awaitsToken(token: string): boolean {
    return this.tokensAwaited().includes(token);
  }

  /** The tokens this run's frames wait on, read from its frames alone. */
  tokensAwaited(): string[] {
    const out: string[] = [];
    for (const f of this.frames.values()) {
      if (!f.ended && f.phase.k === 'task' && f.phase.token !== undefined) out.push(f.phase.token);
    }
    return out;
  }

  /**
   * SendTaskHeartbeat for a run loaded from the store and not started: pushes the heartbeat
   * deadline in its frames, which the next commit makes durable.
   */
  heartbeatStored(token: string): boolean {
    for (const f of this.frames.values()) {
      if (f.ended || f.phase.k !== 'task' || f.phase.token !== token) continue;
      if (f.phase.heartbeatAt !== undefined) {
        const hb = this.heartbeatSeconds(f);
        if (hb !== undefined) f.phase.heartbeatAt = this.now() + hb * 1000;
      }
      return true;
    }
    return false;
  }

  /** skipTimers for a run loaded from the store and not started: its waits are due now once it starts. */
  skipStoredTimers(id?: string): PendingTimer[] {
    const now = this.now();
    const fired = this.pendingWork(true).timers.filter((t) => id === undefined || t.id === id);
    for (const t of fired) {
      const f = this.frames.get(t.id)!;
      if (f.phase.k === 'wait' || f.phase.k === 'backoff') f.phase.at = Math.min(f.phase.at, now);
    }
    return fired;
  }

  /**
   * Fires pending Wait-state and retry timers now: all of them, or the one `id` names. The new due
   * time is part of the frame's phase, so the next commit makes the skip durable: a restart
   * resumes past the wait instead of waiting again, and the original timer is cancelled, so it
   * never fires later. Returns the timers it fired.
   */
  skipTimers(id?: string): PendingTimer[] {
    const now = this.now();
    const fired = this.pendingWork().timers.filter((t) => id === undefined || t.id === id);
    for (const t of fired) {
      const f = this.frames.get(t.id)!;
      if (f.phase.k === 'wait' || f.phase.k === 'backoff') f.phase.at = Math.min(f.phase.at, now);
      this.sleepers.get(t.id)?.();
    }
    if (fired.length > 0) this.svc.markDirty(this);
    return fired;
  }

  private notifyBlocked(f: Frame): void {
    const l = this.blockListeners.get(f.id);
    if (l) {
      this.blockListeners.delete(f.id);
      l();
    }
  }

  private armExecutionTimeout(): void {
    const t = this.definition.TimeoutSeconds;
    if (t === undefined) return;
    const at = this.info.startMs + t * 1000;
    this.executionTimer = this.svc.scheduler.setTimeout(() => {
      if (this.outcome || this.stopRequest) return;
      this.stopRequest = { kind: 'timeout' };
      for (const c of this.abortControllers.values()) c.abort();
    }, at - this.now());
  }

  private finish(outcome: ExecutionOutcome, last: number): ExecutionOutcome {
    if (this.outcome) return this.outcome;
    if (outcome.status === 'SUCCEEDED') {
      this.emitRaw(last, events.executionSucceeded({ output: payloadText(outcome.output) }));
    } else {
      const ended = outcome.status === 'FAILED' ? events.executionFailed : outcome.status === 'TIMED_OUT' ? events.executionTimedOut : events.executionAborted;
      this.emitRaw(last, ended({ error: outcome.error, cause: outcome.cause }));
    }
    this.outcome = outcome;
    if (outcome.status === 'SUCCEEDED') this.frames.clear();
    for (const t of this.tokenWaiters.keys()) this.svc.tokenClosed(t);
    this.tokenWaiters.clear();
    this.svc.markDirty(this);
    return outcome;
  }

  // ------------------------------------------------------------------------------------------
  // the state lifecycle, written once

  private async runBranch(f: Frame): Promise<BranchResult> {
    /** the input's payload text, when the state before already made it */
    let inputText: string | undefined;
    for (;;) {
      // no new state after a stop; no await on the common path (a tick would reorder concurrent branches' events)
      if (this.halted || this.outcome || (this.stopRequest && f.phase.k === 'enter')) await this.checkpoint();
      const branch = this.branchOf(f);
      const state = branch.States[f.state];
      if (f.phase.k === 'enter') {
        f.enteredPrev = f.last;
        f.enteredMs = this.now();
        f.retryCounts = [];
        f.retryTotal = 0;
        f.enteredId = this.emit(f, events.stateEntered(state.Type, { name: f.state, input: inputText ?? payloadText(f.input) }));
        inputText = undefined;
        f.phase = { k: 'run' };
      }
      if (f.phase.k === 'backoff') {
        await this.sleep(f, f.phase.at);
        f.phase = { k: 'run' };
        this.svc.markDirty(this);
      }
      let outcome: StateOutcome;
      try {
        outcome = await this.runState(f, state, branch);
      } catch (e) {
        if (e instanceof Aborted) throw e;
        const err = this.withStatePrefix(f, asExecutionError(e));
        const handled = await this.handleError(f, state, branch, err);
        if (handled === 'retry') continue;
        if (handled === undefined) {
          f.ended = true;
          const taskAborted = state.Type === 'Task' && f.parent !== null && err.error !== StatesErrorName.Runtime;
          return { ok: false, error: err, taskAborted };
        }
        outcome = handled;
      }
      if (outcome.kind === 'end') {
        f.ended = true;
        return { ok: true, output: outcome.output };
      }
      f.state = outcome.next;
      f.input = outcome.output;
      inputText = outcome.text;
      f.phase = { k: 'enter' };
      await this.maybeYield();
    }
  }

  /** Runtime errors raised while processing a state name the state and its entered event, as AWS does. */
  private withStatePrefix(f: Frame, err: ExecutionError): ExecutionError {
    if (!(err instanceof RuntimeError) || prefixed.has(err)) return err;
    const text = stateErrorCause(f.state, f.enteredId, err.causeText ?? '');
    const out = new RuntimeError(text, { cause: err, location: err.location });
    prefixed.add(out);
    return out;
  }

  private runState(f: Frame, state: State, branch: Branch): Promise<StateOutcome> | StateOutcome {
    const jsonata = this.queryLanguage(state, branch) === 'JSONata';
    switch (state.Type) {
      case 'Pass':
      case 'Choice':
      case 'Succeed':
      case 'Fail':
        return this.handled(f, state, jsonata);
      case 'Wait':
        return this.wait(f, state, jsonata);
      case 'Task':
        return this.task(f, state, jsonata);
      case 'Parallel':
        return this.parallel(f, state, jsonata);
      case 'Map':
        return this.map(f, state, jsonata);
    }
  }

  /** Exits a state: the Exited event (with assigned variables), then next or end. */
  private exit(f: Frame, state: Exclude<State, FailState>, output: JsonValue, assigned: JsonObject | null, next?: string, prev?: number): StateOutcome {
    const json = JSON.stringify(output ?? null);
    const tooLarge = payloadSizeError(json, f.state);
    if (tooLarge) throw tooLarge;
    const text = rememberedText(output) ?? json;
    let assignedVariables: Record<string, string> | undefined;
    if (assigned && Object.keys(assigned).length > 0) {
      assignedVariables = {};
      for (const [k, v] of Object.entries(assigned)) assignedVariables[k] = payloadText(v);
      this.assignVars(f, assigned);
    }
    this.emit(f, events.stateExited(state.Type, { name: f.state, output: text, assignedVariables }), prev !== undefined ? { prev } : {});
    // a transition given by a Choice rule or a catcher wins over the state's own End
    const target = next ?? (state.End ? undefined : state.Next);
    if (target === undefined) return { kind: 'end', output, text };
    return { kind: 'next', next: target, output, text };
  }

  /** Exits through the dataflow's answer: the output, and the variables to assign. */
  private exitWith(f: Frame, state: Exclude<State, FailState>, exit: Exit, next?: string): StateOutcome {
    return this.exit(f, state, exit.output, exit.assigned, next);
  }

  // ---- Pass, Succeed, Fail, Choice, Wait: pure handlers (engine/states/); the effects are here

  /** The state's context for its handler. */
  private stateScope(f: Frame, state: State, jsonata: boolean): StateScope {
    return new StateScope(jsonata ? 'JSONata' : 'JSONPath', f.state, f.enteredId, this.svc, () => this.signalFor(f), (vars) => (vars ? this.allVars(f) : this.context(f, state)));
  }

  /** Evaluates a handled state; a JSONPath state's answer comes without a tick, as it did inline. */
  private handled(f: Frame, state: HandledState, jsonata: boolean): Promise<StateOutcome> | StateOutcome {
    const outcome = evaluateState(state, f.input, this.stateScope(f, state, jsonata));
    if (outcome instanceof Promise) return outcome.then((o) => this.perform(f, state, o));
    return this.perform(f, state, outcome);
  }

  /** Carries out what a state asked for. */
  private perform(f: Frame, state: HandledState, outcome: Outcome): StateOutcome {
    switch (outcome.kind) {
      case 'fail':
        // thrown for Retry and Catch; a JSONata field's error also earns an EvaluationFailed event
        throw this.evaluationFailed(outcome.error);
      case 'next':
        return this.exit(f, state as Exclude<HandledState, FailState>, outcome.output, outcome.assigned, outcome.next);
      case 'end':
        return this.exit(f, state as Exclude<HandledState, FailState>, outcome.output, outcome.assigned);
      case 'scheduleTimer':
        throw new Error(`a ${state.Type} state cannot wait`);
    }
  }

  // ---- Wait: its handler says when it ends; the wait itself is a phase, so it rests and resumes

  private async wait(f: Frame, state: WaitState, jsonata: boolean): Promise<StateOutcome> {
    if (f.phase.k !== 'wait') await this.startWait(f, state, jsonata);
    const p = f.phase as Extract<Phase, { k: 'wait' }>;
    await this.sleep(f, p.at);
    return this.exit(f, state, p.output, p.assign);
  }

  /** Out of line: the async wait() stays suspended for the whole wait, and would keep its locals. */
  private async startWait(f: Frame, state: WaitState, jsonata: boolean): Promise<void> {
    const outcome = await evaluateState(state, f.input, this.stateScope(f, state, jsonata));
    if (outcome.kind === 'fail') throw this.evaluationFailed(outcome.error);
    if (outcome.kind !== 'scheduleTimer') throw new Error(`a Wait state answered ${outcome.kind}`);
    f.phase = { k: 'wait', at: outcome.at, output: outcome.output, assign: outcome.assigned };
    this.svc.markDirty(this);
  }

  // ---- Task

  private heartbeatSeconds(f: Frame): number | undefined {
    const state = this.branchOf(f).States[f.state] as TaskState;
    if (typeof state.HeartbeatSeconds === 'number') return state.HeartbeatSeconds;
    if (state.HeartbeatSecondsPath) {
      const r = resolvePath(state.HeartbeatSecondsPath, pathRoots(f.input, this.scope(f, state)));
      if (r.found && typeof r.value === 'number') return r.value;
    }
    return undefined;
  }

  private async taskSeconds(f: Frame, state: TaskState, jsonata: boolean, field: 'TimeoutSeconds' | 'HeartbeatSeconds'): Promise<number | undefined> {
    const v = state[field];
    const path = state[`${field}Path`];
    if (v !== undefined) {
      if (jsonata && typeof v === 'string') {
        const scope = this.scope(f, state);
        const r = this.evaluated(await evaluateField(v, { input: f.input }, scope, field));
        if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw this.evaluationFailed(fieldError(scope, field, `The ${field} field must be a positive integer, but was: ${JSON.stringify(r)}`));
        return r;
      }
      return Number(v);
    }
    if (path !== undefined) {
      const r = resolvePath(path, pathRoots(f.input, this.scope(f, state)));
      if (!r.found || typeof r.value !== 'number' || !Number.isInteger(r.value) || r.value <= 0) {
        throw new RuntimeError(`The ${field}Path parameter does not reference a valid integer value: ${r.found ? JSON.stringify(r.value) : 'null'}`);
      }
      return r.value;
    }
    return undefined;
  }

  private async task(f: Frame, state: TaskState, jsonata: boolean): Promise<StateOutcome> {
    const flavor = this.svc.integrations.flavor(state.Resource);
    if (!flavor) throw new RuntimeError(`The resource '${state.Resource}' is not supported by this engine.`);
    const resourceRegion = /^arn:[^:]+:[^:]+:([^:]+):/.exec(state.Resource)?.[1] || this.info.region;
    let phase = f.phase.k === 'task' ? f.phase : undefined;
    const timeoutSeconds = await this.taskSeconds(f, state, jsonata, 'TimeoutSeconds');
    const heartbeatSeconds = await this.taskSeconds(f, state, jsonata, 'HeartbeatSeconds');
    if (!phase) {
      // the token exists before the parameters are built: they may carry it ($$.Task.Token)
      const token = flavor.kind === 'service' && flavor.pattern === 'waitForTaskToken' ? this.svc.uuid() + this.svc.uuid().replace(/-/g, '') : undefined;
      let params: JsonValue;
      if (jsonata) {
        const args = processInput.JSONata(state, f.input, this.scope(f, state, token));
        params = this.evaluated(args instanceof Promise ? await args : args);
      } else {
        params = this.ok(processInput.JSONPath(state, f.input, this.scope(f, state, token)));
      }
      const now = this.now();
      phase = {
        k: 'task', params, token,
        timeoutAt: timeoutSeconds !== undefined ? now + timeoutSeconds * 1000 : undefined,
        heartbeatAt: heartbeatSeconds !== undefined ? now + heartbeatSeconds * 1000 : undefined,
      };
      this.emitScheduled(f, flavor, params, resourceRegion, timeoutSeconds, heartbeatSeconds);
      f.phase = phase;
      if (token) this.svc.tokenIssued(this, token, heartbeatSeconds);
      // nothing outside the engine may see a step before it is committed
      const unwritten = this.svc.commitNow();
      if (unwritten) await this.guard(f, unwritten);
    }
    let result: JsonValue;
    try {
      result = await this.invokeTask(f, state, flavor, phase, resourceRegion);
    } catch (e) {
      if (e instanceof Aborted) {
        if (this.stopRequest) this.emit(f, events.taskStateAborted());
        else if (this.isAbortedByParent(f)) {
          if (f.mapItem) cutInTask.add(f);
          else this.emit(f, events.taskStateAborted());
        }
        throw e;
      }
      const err = asExecutionError(e);
      taskErrors.set(err, { fromTask: true });
      f.phase = { k: 'run' };
      throw err;
    }
    f.phase = { k: 'run' };
    return this.resultExit(f, state, result, jsonata);
  }

  private isAbortedByParent(f: Frame): boolean {
    return this.signalFor(f).aborted;
  }

  private emitScheduled(f: Frame, flavor: TaskFlavor, params: JsonValue, region: string, timeout?: number, heartbeat?: number): void {
    if (flavor.kind === 'lambda') {
      this.emit(f, events.lambdaFunctionScheduled({ resource: flavor.resource, input: payloadText(params), timeoutInSeconds: timeout }));
      return;
    }
    this.emit(f, events.taskScheduled({
      resourceType: flavor.resourceType, resource: flavor.resource, region, parameters: payloadText(params), timeoutInSeconds: timeout, heartbeatInSeconds: heartbeat,
    }));
  }

  private async invokeTask(f: Frame, state: TaskState, flavor: TaskFlavor, phase: Extract<Phase, { k: 'task' }>, region: string): Promise<JsonValue> {
    const res: TaskResource | undefined = flavor.kind === 'lambda' ? undefined : { resourceType: flavor.resourceType, resource: flavor.resource };
    // a resumed task is invoked again (at-least-once, as on AWS) but its Started event stands once
    if (!phase.started) {
      phase.started = true;
      this.emit(f, res ? events.taskStarted(res) : events.lambdaFunctionStarted());
    }
    // a resumed task's token answers SendTask* again, even when the commit it resumed from came before its Started event
    if (phase.token) this.svc.tokenIssued(this, phase.token, undefined);
    if (this.halted || this.outcome || this.stopRequest) await this.checkpoint();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    this.signalFor(f).addEventListener('abort', onAbort, { once: true });
    const timers: TimerHandle[] = [];
    this.notifyBlocked(f);
    try {
      // the waiter exists before the integration runs: a callback may come back before invoke returns
      let tokenOutcome: Promise<JsonValue> | undefined;
      if (phase.token !== undefined) {
        const token = phase.token;
        tokenOutcome = new Promise<JsonValue>((resolve, reject) => {
          this.tokenWaiters.set(token, { resolve, reject, frame: f.id });
        });
        tokenOutcome.catch(() => {});
        const stored = this.svc.storedTokenOutcome(token);
        if (stored) this.settleToken(token, stored);
      }
      const work = (async () => {
        if (tokenOutcome !== undefined && phase.invoked) return await tokenOutcome;
        const output = await this.svc.integrations.invoke({
          resource: state.Resource, parameters: phase.params, region, accountId: this.info.accountId,
          executionArn: this.info.executionArn, stateMachineName: this.info.stateMachineName, stateName: f.state,
          testCase: this.info.testCase, taskToken: phase.token,
          submitted: (output) => {
            if (flavor.kind !== 'service' || !res || phase.submitted || controller.signal.aborted || this.halted) return;
            phase.submitted = true;
            try {
              this.emit(f, events.taskSubmitted(res, { output: payloadText(output) }));
            } catch (e) {
              // the execution ended (its history is full): the abort reaches the task through its signal
              if (!(e instanceof Aborted)) throw e;
            }
          },
          timeoutSeconds: phase.timeoutAt !== undefined ? Math.round((phase.timeoutAt - this.now()) / 1000) : undefined,
          signal: controller.signal,
        });
        if (tokenOutcome === undefined) return output;
        if (!controller.signal.aborted && !this.halted) {
          phase.invoked = true;
          this.svc.markDirty(this);
        }
        if (flavor.kind === 'service' && res && !phase.submitted) {
          phase.submitted = true;
          this.emit(f, events.taskSubmitted(res, { output: payloadText(output) }));
        }
        return await tokenOutcome;
      })();
      const races: Promise<JsonValue>[] = [work];
      if (phase.timeoutAt !== undefined) {
        const t = this.sleepUntil(phase.timeoutAt);
        timers.push(t.handle);
        races.push(t.promise.then(() => Promise.reject(new ExecutionError(StatesErrorName.Timeout, undefined))));
      }
      if (phase.heartbeatAt !== undefined) {
        races.push(this.heartbeatWatch(f, phase, timers));
      }
      let output: JsonValue;
      try {
        output = await this.guard(f, Promise.race(races));
        const tooLarge = payloadSizeError(JSON.stringify(output ?? null), flavor.kind === 'lambda' ? flavor.resource : flavor.resourceType);
        if (tooLarge) throw tooLarge;
      } catch (e) {
        controller.abort();
        if (e instanceof Aborted) throw e;
        const err = asExecutionError(e);
        this.emitTaskFailure(f, res, err);
        throw err;
      }
      this.emit(f, res ? events.taskSucceeded(res, { output: payloadText(output) }) : events.lambdaFunctionSucceeded({ output: payloadText(output) }));
      return output;
    } finally {
      this.signalFor(f).removeEventListener('abort', onAbort);
      for (const t of timers) t.cancel();
      if (phase.token) {
        this.tokenWaiters.delete(phase.token);
        this.svc.tokenClosed(phase.token);
      }
      this.heartbeatKick.delete(f.id);
    }
  }

  private heartbeatWatch(f: Frame, phase: Extract<Phase, { k: 'task' }>, timers: TimerHandle[]): Promise<JsonValue> {
    return new Promise<JsonValue>((_, reject) => {
      let handle: TimerHandle | undefined;
      const arm = () => {
        handle?.cancel();
        const t = this.sleepUntil(phase.heartbeatAt!);
        handle = t.handle;
        timers.push(t.handle);
        t.promise.then(() => {
          if (handle === t.handle) reject(new ExecutionError(StatesErrorName.HeartbeatTimeout, undefined));
        });
      };
      this.heartbeatKick.set(f.id, arm);
      arm();
    });
  }

  /** `res` is the service integration a Task called; a Lambda function's events carry none. */
  private emitTaskFailure(f: Frame, res: TaskResource | undefined, err: ExecutionError): void {
    const timedOut = err.error === StatesErrorName.Timeout || err.error === StatesErrorName.HeartbeatTimeout;
    const failure = { error: err.error, cause: err.causeText };
    if (!res) this.emit(f, timedOut ? events.lambdaFunctionTimedOut(failure) : events.lambdaFunctionFailed(failure));
    else this.emit(f, timedOut ? events.taskTimedOut(res, failure) : events.taskFailed(res, failure));
  }

  /** A Task's, Parallel's or Map's result through its result and output processing. */
  private async resultExit(f: Frame, state: TaskState | ParallelState | MapState, result: JsonValue, jsonata: boolean): Promise<StateOutcome> {
    const scope = this.scope(f, state);
    if (jsonata) return this.exitWith(f, state, this.evaluated(await processOutput.JSONata(state, f.input, result, scope)));
    return this.exitWith(f, state, this.ok(processOutput.JSONPath(state, f.input, result, scope)));
  }

  // ---- errors: Retry, then Catch

  private async handleError(f: Frame, state: State, branch: Branch, err: ExecutionError): Promise<'retry' | StateOutcome | undefined> {
    if (err.error === undefined) {
      // a Fail state without Error: nothing can match it, but a Map or Parallel still records its failure
      if (state.Type === 'Map' || state.Type === 'Parallel') this.emit(f, state.Type === 'Map' ? events.mapStateFailed() : events.parallelStateFailed());
      return undefined;
    }
    const fromTask = taskErrors.get(err)?.fromTask ?? false;
    if (evaluationErrors.has(err)) {
      evaluationErrors.delete(err);
      const failed = events.evaluationFailed({ error: err.error, state: f.state, cause: err.causeText, location: err.location });
      // input processing fails before the state counts as entered; a Wait's Seconds/Timestamp after
      this.emit(f, failed, { prev: state.Type === 'Wait' ? f.enteredId : f.enteredPrev });
    }
    // States.Runtime ends the execution at once: no retry, no catch, no state-failed event
    if (err.error === StatesErrorName.Runtime) return undefined;
    const retriers = 'Retry' in state ? state.Retry : undefined;
    const catchers = 'Catch' in state ? state.Catch : undefined;
    const ri = findRetrier(retriers, err.error, fromTask);
    if (ri >= 0) {
      const attempt = (f.retryCounts[ri] ?? 0) + 1;
      const wait = backoffMs(retriers![ri], attempt, () => this.svc.random());
      if (wait !== undefined) {
        this.dropChildren(f);
        f.retryCounts[ri] = attempt;
        f.retryTotal++;
        f.phase = { k: 'backoff', at: this.now() + wait };
        this.svc.markDirty(this);
        return 'retry';
      }
    }
    if (state.Type === 'Map' || state.Type === 'Parallel') this.emit(f, state.Type === 'Map' ? events.mapStateFailed() : events.parallelStateFailed());
    const c = findCatcher(catchers, err.error, fromTask);
    // a Fail state has no Catch; the test narrows `state` to the states that record an Exited event
    if (!c || state.Type === 'Fail') return undefined;
    this.dropChildren(f);
    return this.caught(f, state, branch, err, c);
  }

  private async caught(f: Frame, state: Exclude<State, FailState>, branch: Branch, err: ExecutionError, c: Catcher): Promise<StateOutcome | undefined> {
    const errorOutput: JsonObject = { Error: err.error };
    if (err.causeText !== undefined) errorOutput.Cause = err.causeText;
    f.phase = { k: 'run' };
    const scope = this.scope(f, state);
    // the catcher's Output and Assign see $states.errorOutput
    if (this.queryLanguage(state, branch) === 'JSONata') return this.exitWith(f, state, this.evaluated(await processCatch.JSONata(c, f.input, errorOutput, scope)), c.Next);
    return this.exitWith(f, state, this.ok(processCatch.JSONPath(c, f.input, errorOutput, scope)), c.Next);
  }

  // ---- Parallel

  private async parallel(f: Frame, state: ParallelState, jsonata: boolean): Promise<StateOutcome> {
    if (f.phase.k !== 'parallel') {
      let input: JsonValue;
      if (jsonata) {
        const args = processInput.JSONata(state, f.input, this.scope(f, state));
        input = this.evaluated(args instanceof Promise ? await args : args);
      } else input = this.ok(processInput.JSONPath(state, f.input, this.scope(f, state)));
      this.emit(f, events.parallelStateStarted());
      const attempt = f.retryTotal;
      const children = state.Branches.map((b, i) => {
        const id = `${f.id}/${f.state}@${attempt}#${i}`;
        this.newFrame(id, [...f.branchPath, 'States', f.state, 'Branches', i], f.id, b.StartAt, input, f.last, {});
        return id;
      });
      f.phase = { k: 'parallel', input, results: state.Branches.map(() => null), done: state.Branches.map(() => false), children };
      this.svc.markDirty(this);
    }
    const phase = f.phase as Extract<Phase, { k: 'parallel' }>;
    this.notifyBlocked(f);
    const failure = await this.runChildren(f, phase.children.map((id, i) => ({ id, index: i, done: phase.done[i] })), (i, r) => {
      const child = this.frames.get(phase.children[i]);
      if (child) f.last = child.last;
      // a failed branch keeps its frame: a redrive runs it again from the state that failed
      if (!r.ok) {
        // recorded on AWS: TaskFailed, TaskStateAborted, then ParallelStateFailed; the abort is no step of the thread
        if (r.taskAborted && child) this.emit(child, events.taskStateAborted(), { keepLast: true });
        return;
      }
      phase.done[i] = true;
      phase.results[i] = r.output;
      if (child) this.dropFrame(child.id);
    });
    if (failure) {
      // the phase stays: a redrive re-runs only the branches that did not succeed
      throw failure;
    }
    const results = phase.results as JsonValue[];
    // AWS joins the branch outputs' own texts (recorded: a branch passing "[[1, 2, 3], [4, 5, 6]]"
    // through gives "[[[1, 2, 3], [4, 5, 6]]]"); the separator between branches is not recorded
    if (results.some((r) => rememberedText(r) !== undefined)) rememberText(results, `[${results.map(payloadText).join(',')}]`);
    this.emit(f, events.parallelStateSucceeded(), { keepLast: true });
    f.phase = { k: 'run' };
    return this.resultExit(f, state, results, jsonata);
  }

  /** Runs child frames concurrently; the first failure aborts the others and is returned. */
  private async runChildren(f: Frame, children: { id: string; index: number; done: boolean }[], onDone: (index: number, r: BranchResult) => void): Promise<ExecutionError | undefined> {
    let failure: ExecutionError | undefined;
    await Promise.all(
      children.filter((c) => !c.done).map(async (c) => {
        const child = this.frames.get(c.id)!;
        try {
          const r = await this.runBranch(child);
          if (!r.ok && !failure) {
            failure = r.error;
            onDone(c.index, r);
            this.abortChildren(f, c.id);
            return;
          }
          if (failure) return;
          onDone(c.index, r);
        } catch (e) {
          if (!(e instanceof Aborted)) throw e;
        }
      }),
    );
    if (this.signalFor(f).aborted) throw new Aborted();
    return failure;
  }

  /**
   * An iteration nobody awaits failed: Aborted is its normal end when the execution stops; any
   * other error is a defect, which ends the execution instead of the process.
   */
  private detachedFailure(e: unknown): void {
    if (!(e instanceof Aborted)) this.crash(e);
  }

  private abortChildren(f: Frame, except: string): void {
    for (const [id, c] of this.abortControllers) {
      if (id !== except && this.frames.get(id)?.parent === f.id) c.abort();
    }
  }

  // ---- Map

  private async mapNumber(f: Frame, state: MapState, jsonata: boolean, field: 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage', input: JsonValue): Promise<number | undefined> {
    const v = state[field];
    const path = state[`${field}Path`];
    if (v !== undefined) {
      if (jsonata && typeof v === 'string') {
        const scope = this.scope(f, state);
        const r = this.evaluated(await evaluateField(v, { input: f.input }, scope, field));
        if (typeof r !== 'number') throw this.evaluationFailed(fieldError(scope, field, `The ${field} field must evaluate to a number, but was: ${JSON.stringify(r)}`));
        return checkMapNumber(field, r);
      }
      return checkMapNumber(field, Number(v));
    }
    if (path !== undefined) {
      const r = resolvePath(path, pathRoots(input, this.scope(f, state)));
      const value = r.found ? r.value : null;
      const isFloat = field === 'ToleratedFailurePercentage';
      if (typeof value !== 'number' || (!isFloat && !Number.isInteger(value))) {
        const shown = typeof value === 'string' ? value : JSON.stringify(value);
        throw new RuntimeError(`The ${field}Path field refers to value "${shown}" which is not a valid ${isFloat ? 'float' : 'integer'}: ${path}`);
      }
      return checkMapNumber(field, value);
    }
    return undefined;
  }

  private async map(f: Frame, state: MapState, jsonata: boolean): Promise<StateOutcome> {
    if (f.phase.k !== 'map') {
      const { input, items } = await this.mapItems(f, state, jsonata);
      const effectiveItems = state.ItemBatcher ? this.ok(processBatches(state, items, input, this.scope(f, state))) : items;
      // AWS reads MaxConcurrency before the Map starts, the tolerated failures after
      const maxConcurrency = (await this.mapNumber(f, state, jsonata, 'MaxConcurrency', input)) ?? 0;
      this.emit(f, events.mapStateStarted({ length: effectiveItems.length }));
      const toleratedCount = (await this.mapNumber(f, state, jsonata, 'ToleratedFailureCount', input)) ?? 0;
      const toleratedPercentage = (await this.mapNumber(f, state, jsonata, 'ToleratedFailurePercentage', input)) ?? 0;
      let mapRunArn: string | undefined;
      if (isDistributedMap(state)) {
        mapRunArn = `arn:aws:states:${this.info.region}:${this.info.accountId}:mapRun:${this.info.stateMachineName}/${state.Label ?? this.svc.uuid()}:${this.svc.uuid()}`;
        this.emit(f, events.mapRunStarted({ mapRunArn }));
      }
      f.phase = {
        k: 'map', items: effectiveItems, input, results: effectiveItems.map(() => null), status: effectiveItems.map(() => 'pending'),
        children: {}, maxConcurrency, toleratedCount, toleratedPercentage, failures: 0, iterPrev: f.last, mapRunArn,
      };
      this.svc.markDirty(this);
    }
    const phase = f.phase as MapPhase;
    const distributed = isDistributedMap(state);
    const failure = await this.runIterations(f, state, phase, jsonata, distributed);
    if (failure) {
      if (distributed) this.emit(f, events.mapRunFailed({ error: failure.error, cause: failure.causeText }));
      // the phase stays: a redrive re-runs only the iterations that did not succeed
      throw failure;
    }
    if (distributed) this.emit(f, events.mapRunSucceeded());
    const last = f.last;
    this.emit(f, events.mapStateSucceeded(), { keepLast: true });
    f.last = last;
    const results = phase.results as JsonValue[];
    // tolerated failures leave frames behind; the Map is done with them
    this.dropChildren(f);
    f.phase = { k: 'run' };
    return this.resultExit(f, state, results, jsonata);
  }

  /** The Map's effective input (ItemSelector reads it) and its items. */
  private async mapItems(f: Frame, state: MapState, jsonata: boolean): Promise<{ input: JsonValue; items: JsonValue[] }> {
    const scope = this.scope(f, state);
    if (jsonata) {
      const items = processItems.JSONata(state, f.input, scope);
      return { input: f.input, items: items instanceof Promise ? this.evaluated(await items) : this.ok(items) };
    }
    const input = this.ok(processInput.JSONPath(state, f.input, scope));
    return { input, items: this.ok(processItems.JSONPath(state, input, scope)) };
  }

  private async iterationInput(f: Frame, state: MapState, phase: MapPhase, index: number, jsonata: boolean): Promise<JsonValue> {
    const scope = this.scope(f, state);
    if (!jsonata) return this.ok(processItem.JSONPath(state, phase.input, index, phase.items[index], scope));
    const input = processItem.JSONata(state, phase.input, index, phase.items[index], scope);
    return input instanceof Promise ? this.evaluated(await input) : this.ok(input);
  }

  private async runIterations(f: Frame, state: MapState, phase: MapPhase, jsonata: boolean, distributed: boolean): Promise<ExecutionError | undefined> {
    const n = phase.items.length;
    const limit = phase.maxConcurrency > 0 ? phase.maxConcurrency : Number.POSITIVE_INFINITY;
    const processor = mapProcessor(state);
    const procKey = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
    let failure: ExecutionError | undefined;
    /** the failed iteration's last event: what it cuts in the others is chained to it */
    let failedLast: number | undefined;
    let running = 0;
    let nextIndex = 0;
    const inflight = new Set<Promise<void>>();
    const attempt = f.retryTotal;
    const tolerated = () => {
      if (phase.failures === 0) return true;
      if (phase.toleratedCount > 0 && phase.failures <= phase.toleratedCount) return true;
      if (phase.toleratedPercentage > 0 && (phase.failures / n) * 100 <= phase.toleratedPercentage) return true;
      return false;
    };
    const runOne = async (index: number, child: Frame, resumed: boolean) => {
      running++;
      try {
        if (!resumed && !distributed) {
          this.emit(f, events.mapIterationStarted({ index, name: f.state }), { prev: phase.iterPrev, keepLast: true });
          child.last = this.nextEventId - 1;
        }
        let r: BranchResult;
        try {
          r = await this.runBranch(child);
        } catch (e) {
          if (!(e instanceof Aborted)) throw e;
          const inTask = cutInTask.delete(child);
          if (!distributed && failedLast !== undefined && !this.stopRequest) {
            // cut by a failed iteration, as recorded on AWS (test_service_lambda_map_timeout): each cut
            // iteration's MapIterationAborted, then its Task's TaskStateAborted, all after the failure's event
            this.emit(f, events.mapIterationAborted({ index, name: f.state }), { prev: failedLast, keepLast: true });
            if (inTask) this.emit(child, events.taskStateAborted(), { prev: failedLast, keepLast: true });
          } else if (!distributed) {
            if (inTask) this.emit(child, events.taskStateAborted());
            this.emit(f, events.mapIterationAborted({ index, name: f.state }), { prev: child.last, keepLast: true });
          }
          this.setItem(phase, index, 'failed');
          return;
        }
        if (failure) {
          // an iteration whose Task failed after another iteration failed the Map is cut all the same
          if (!r.ok && r.taskAborted && !distributed && failedLast !== undefined && !this.stopRequest) {
            this.emit(f, events.mapIterationAborted({ index, name: f.state }), { prev: failedLast, keepLast: true });
            this.emit(child, events.taskStateAborted(), { prev: failedLast, keepLast: true });
          }
          return;
        }
        if (r.ok) {
          this.setItem(phase, index, 'ok', r.output);
          if (!distributed) {
            f.last = this.emit(f, events.mapIterationSucceeded({ index, name: f.state }), { prev: child.last, keepLast: true });
          }
          phase.iterPrev = child.last;
        } else {
          this.setItem(phase, index, 'failed');
          phase.failures++;
          if (!distributed) {
            this.emit(f, events.mapIterationFailed({ index, name: f.state }), { prev: child.last, keepLast: true });
            // recorded on AWS: MapIterationFailed, then the failed Task's TaskStateAborted (same previousEventId)
            if (r.taskAborted) this.emit(child, events.taskStateAborted(), { keepLast: true });
          }
          phase.iterPrev = child.last;
          f.last = child.last;
          if (!tolerated()) {
            failedLast = child.last;
            failure = distributed
              ? new ExecutionError(StatesErrorName.ExceedToleratedFailureThreshold, 'The specified tolerated failure threshold was exceeded')
              : r.error;
            this.abortChildren(f, child.id);
          }
        }
        // a failed iteration keeps its frame for a redrive, until the Map ends
        if (r.ok) {
          this.dropFrame(child.id);
          delete phase.children[index];
        }
        this.svc.markDirty(this);
      } finally {
        running--;
      }
    };
    const start = async (index: number) => {
      const input = await this.iterationInput(f, state, phase, index, jsonata);
      const id = `${f.id}/${f.state}@${attempt}:${index}`;
      const child = this.newFrame(id, [...f.branchPath, 'States', f.state, procKey], f.id, processor.StartAt, input, phase.iterPrev, {});
      child.mapItem = { index, value: phase.items[index] };
      if (distributed) child.silent = true;
      phase.children[index] = id;
      this.setItem(phase, index, 'running');
      const blocked = new Promise<void>((resolve) => this.blockListeners.set(id, resolve));
      const p = runOne(index, child, false).finally(() => {
        inflight.delete(p);
        this.notifyBlocked(child);
      });
      // a branch off the chain, not a link in it: a link would shift when the next iteration starts
      p.catch((e: unknown) => this.detachedFailure(e));
      inflight.add(p);
      // start iterations one at a time: the next starts when this one waits or ends, as AWS orders their events
      await blocked;
    };
    // resume iterations that were running at the last commit
    for (const [idx, id] of Object.entries(phase.children)) {
      const child = this.frames.get(id);
      if (!child || phase.status[Number(idx)] !== 'running') continue;
      const p = runOne(Number(idx), child, true).finally(() => inflight.delete(p));
      p.catch((e: unknown) => this.detachedFailure(e));
      inflight.add(p);
    }
    for (; nextIndex < n; nextIndex++) {
      if (failure || this.signalFor(f).aborted) break;
      if (phase.status[nextIndex] !== 'pending') continue;
      while (running >= limit && !failure) await Promise.race(inflight);
      if (failure || this.signalFor(f).aborted) break;
      if (this.halted) await this.checkpoint();
      await start(nextIndex);
      await this.maybeYield();
    }
    while (inflight.size > 0) await Promise.race(inflight);
    if (this.signalFor(f).aborted) throw new Aborted();
    if (failure) return failure;
    if (distributed && phase.failures > 0 && !tolerated()) {
      return new ExecutionError(StatesErrorName.ExceedToleratedFailureThreshold, 'The specified tolerated failure threshold was exceeded');
    }
    return undefined;
  }
}

/** Logs a Map phase may append before a commit rewrites its base with every item's state. */
const MAX_MAP_LOGS = 64;

const NO_ENTRIES: readonly never[] = [];

/** A Map that allocates its table on the first write. */
class SparseMap<K, V> {
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map?.size ?? 0;
  }
  get(key: K): V | undefined {
    return this.map?.get(key);
  }
  has(key: K): boolean {
    return this.map?.has(key) ?? false;
  }
  set(key: K, value: V): this {
    (this.map ??= new Map()).set(key, value);
    return this;
  }
  delete(key: K): boolean {
    return this.map?.delete(key) ?? false;
  }
  clear(): void {
    this.map = undefined;
  }
  keys(): Iterable<K> {
    return this.map ? this.map.keys() : NO_ENTRIES;
  }
  values(): Iterable<V> {
    return this.map ? this.map.values() : NO_ENTRIES;
  }
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.map ? this.map[Symbol.iterator]() : NO_ENTRIES[Symbol.iterator]();
  }
}

const evaluationErrors = new WeakSet<ExecutionError>();
const prefixed = new WeakSet<ExecutionError>();

function checkMapNumber(field: string, v: number): number {
  if (field === 'ToleratedFailurePercentage' && (v < 0 || v > 100)) throw new RuntimeError('ToleratedFailurePercentage must be between 0 and 100.');
  if (field === 'ToleratedFailureCount' && v < 0) throw new RuntimeError('ToleratedFailureCount cannot be negative.');
  if (field === 'MaxConcurrency' && v < 0) throw new RuntimeError('MaxConcurrency cannot be negative.');
  return v;
}

function cleanStop(s: { error?: string; cause?: string }): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (s.error !== undefined) out.error = s.error;
  if (s.cause !== undefined) out.cause = s.cause;
  return out;
}

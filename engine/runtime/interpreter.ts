/**
 * The runner: runs one execution of a state machine through one lifecycle, and performs what its
 * states ask for. Each state is a pure handler (engine/states/) that answers an Outcome; the
 * runner is the only code that touches the scheduler, the integrations, the tokens and the store
 * (through its services), and the only one that decides when a step is committed.
 *
 * The lifecycle, written once for every state type: entered → evaluate (the handler: input,
 * evaluation, result and output processing) → perform its outcome (a timer, a task, branches or
 * iterations, whose completion goes back to the handler's `complete`) → exited, or the error's
 * Retry/Catch decision (engine/states/recovery.ts).
 *
 * An execution is a tree of frames (frames.ts). Every await point of a frame corresponds to a
 * `phase` stored in the frame, so the whole tree can be written as a snapshot and resumed after a
 * restart from its last commit, without re-emitting the events it had already committed.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { Branch, State, StateMachineDefinition, TaskState } from '../definition/types.ts';
import { ExecutionError, RuntimeError, StatesErrorName, asExecutionError, stateErrorCause } from '../errors.ts';
import { payloadText, rememberedText, type HistoryEvent } from '../history/events.ts';
import * as events from '../history/builders.ts';
import type { TimerHandle } from './clock.ts';
import { payloadSizeError } from '../dataflow/index.ts';
import { caught, completeState, evaluateState, recover, type CompletingState, type Outcome } from '../states/index.ts';
import type { BranchResult, Frame, MapPhase, Phase, StateOutcome } from './frames.ts';
import type { SnapshotParts, StoredMapPhase } from './map-parts.ts';
import { pendingWork, restingDue, tokensAwaited, type PendingTimer, type PendingWork, type Waiting } from './pending-work.ts';
import { FanOut } from './fan-out.ts';
import type { MapRunUpdate } from './map-runs.ts';
import { isTaskError } from './task-effects.ts';
import { Aborted, RunCore, type ExecutionInfo, type ExecutionOutcome, type InterpreterServices } from './run-core.ts';

export { MAX_HISTORY_EVENTS, HISTORY_LIMIT_CAUSE } from './run-core.ts';
export type { ExecutionInfo, ExecutionOutcome, InterpreterServices } from './run-core.ts';
export type { PendingTimer, PendingToken, PendingWork } from './pending-work.ts';

/** Snapshot parts to write with a snapshot, and parts (by phase) no snapshot refers to any longer. */
export interface RunSnapshot {
  text: string;
  parts: SnapshotParts;
  dropped: string[];
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

/** Runtime errors already prefixed with their state's name and entered event. */
const prefixed = new WeakSet<ExecutionError>();

/**
 * One execution. `run()` starts it, or resumes it from a snapshot, and resolves with its outcome.
 *
 * @example
 * const run = new ExecutionRun(info, definition, services);
 * const outcome = await run.run();
 */
/** Items above which a running Distributed Map keeps its execution resident. */
const STAY_RESIDENT_ITEMS = 1_000;

export class ExecutionRun extends RunCore {
  private readonly fanOut = new FanOut(this);
  private executionTimer: TimerHandle | undefined;
  private redriving = false;
  /** what the running frames wait on now, for pendingWork and restingDue */
  private readonly waiting: Waiting = {
    asleep: (id) => this.sleepers.has(id),
    awaited: (token) => this.tasks.awaits(token),
  };

  /**
   * `snapshot` resumes the execution from a commit; `loadParts` reads that commit's snapshot parts
   * (called only when the snapshot refers to any).
   */
  constructor(info: ExecutionInfo, definition: StateMachineDefinition, services: InterpreterServices, snapshot?: string, loadParts?: () => Map<string, string>) {
    const s = snapshot ? (JSON.parse(snapshot) as Snapshot) : undefined;
    super(info, definition, services, s?.parts ?? 0);
    if (!s) return;
    this.nextEventId = s.nextEventId;
    if (s.stop) this.stopRequest = { kind: 'stop', ...s.stop };
    let parts: Map<string, string> | undefined;
    for (const f of s.frames) {
      const stored = f.phase as Phase | StoredMapPhase;
      const phase = stored.k === 'map' && 'part' in stored ? this.mapParts.restore(stored, (parts ??= loadParts?.() ?? new Map())) : (stored as Phase);
      this.frames.set(f.id, { ...f, phase });
    }
  }

  get ended(): boolean {
    return this.outcome !== undefined;
  }

  /** A running Map Run's phase, found by its ARN among the frames. */
  mapRunPhase(mapRunArn: string): MapPhase | undefined {
    for (const f of this.frames.values()) {
      if (f.phase.k === 'map' && f.phase.mapRunArn === mapRunArn) return f.phase;
    }
    return undefined;
  }

  /** UpdateMapRun: new limits for the running Map Run, in force from its next child on. */
  updateMapRun(mapRunArn: string, update: MapRunUpdate): boolean {
    const phase = this.mapRunPhase(mapRunArn);
    if (!phase) return false;
    if (update.maxConcurrency !== undefined) phase.maxConcurrency = update.maxConcurrency;
    if (update.toleratedFailureCount !== undefined) phase.toleratedCount = update.toleratedFailureCount;
    if (update.toleratedFailurePercentage !== undefined) phase.toleratedPercentage = update.toleratedFailurePercentage;
    this.markDirty();
    this.fanOut.mapRunChanged(phase, 'RUNNING');
    this.fanOut.wake(phase);
    return true;
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
    const parts: SnapshotParts = [];
    const dropped: string[] = [];
    const live = new Set<MapPhase>();
    const frames = [...this.frames.values()].map((f) => {
      if (f.phase.k !== 'map') return f;
      live.add(f.phase);
      return { ...f, phase: this.mapParts.store(f.phase, parts, dropped) };
    });
    this.mapParts.sweep(live, dropped);
    const s: Snapshot = { nextEventId: this.nextEventId, frames, status: 'RUNNING', parts: this.mapParts.named };
    if (this.stopRequest?.kind === 'stop' && !this.outcome) s.stop = cleanStop(this.stopRequest);
    return { text: JSON.stringify(s), parts, dropped };
  }

  /**
   * RedriveExecution: the next `run()` continues this failed, aborted or timed-out execution from
   * the states that did not succeed (only the failed or aborted iterations and branches of a Map
   * or Parallel run again). The snapshot came from `snapshot()` after the execution ended.
   */
  prepareRedrive(): void {
    this.redriving = true;
  }

  private rewindForRedrive(redrivenId: number): void {
    for (const f of this.frames.values()) {
      f.ended = false;
      const phase = f.phase;
      if (phase.k === 'map') {
        for (let i = 0; i < phase.status.length; i++) {
          if (phase.status[i] !== 'failed') continue;
          this.mapParts.setItem(phase, i, phase.children[i] !== undefined ? 'running' : 'pending');
        }
        phase.failures = 0;
        phase.iterPrev = redrivenId;
        if (phase.mapRunArn !== undefined) {
          // the Map Run is redriven with its execution: MapRunRedriven when the Map resumes
          phase.runRedrives = (phase.runRedrives ?? 0) + 1;
          phase.runRedriveMs = this.now();
          phase.redriven = true;
          delete phase.abortedItems;
        }
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
      this.markDirty();
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
    this.markDirty();
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

  // ---- tokens and timers, as the engine's API and residency see them

  /** SendTaskSuccess / SendTaskFailure for a token of this execution. */
  settleToken(token: string, outcome: { output: JsonValue } | { error: string; cause?: string }): boolean {
    return this.tasks.settle(token, outcome);
  }

  /** SendTaskHeartbeat: pushes the heartbeat deadline of the task waiting on `token`. */
  heartbeat(token: string): boolean {
    return this.tasks.heartbeat(token);
  }

  /** GetActivityTask handed the activity task waiting on `token` to a worker. */
  activityStarted(token: string, workerName: string): boolean {
    return this.tasks.activityStarted(token, workerName);
  }

  /** SendTaskHeartbeat for a run loaded from the store and not started. */
  heartbeatStored(token: string): boolean {
    return this.tasks.heartbeatStored(token);
  }

  /**
   * Wait-state and retry timers in flight, and the tokens the execution waits on: what is pending now.
   * `stored`: read from the frames alone, for a run loaded from a resting execution's snapshot and
   * not started (every frame of a resting execution waits).
   */
  pendingWork(stored = false): PendingWork {
    return pendingWork(this.frames.values(), stored ? undefined : this.waiting);
  }

  /**
   * Whether the execution can rest in the store (pending-work.ts), and its earliest wake-up: null
   * when only a token can wake it, undefined when it cannot rest. The caller makes sure that
   * nothing of it is uncommitted.
   */
  restingDue(): number | null | undefined {
    if (this.outcome || this.halted || this.stopRequest || this.redriving || this.pending.length > 0) return undefined;
    if (this.runsLargeMapRun()) return undefined;
    const t = this.definition.TimeoutSeconds;
    return restingDue(this.frames.values(), this.waiting, t === undefined ? undefined : this.info.startMs + t * 1000);
  }

  /**
   * A Distributed Map with many items and children under way stays resident: resting writes and
   * reloading reads its whole phase, and its children wake each other up far more often than it
   * would sleep.
   */
  private runsLargeMapRun(): boolean {
    for (const f of this.frames.values()) {
      if (f.phase.k === 'map' && f.phase.mapRunArn !== undefined && f.phase.items.length > STAY_RESIDENT_ITEMS) return true;
    }
    return false;
  }

  /** Whether a frame of this run waits on `token`, read from its frames (true before a loaded run has reached the task again). */
  awaitsToken(token: string): boolean {
    return this.tokensAwaited().includes(token);
  }

  /** The tokens this run's frames wait on, read from its frames alone. */
  tokensAwaited(): string[] {
    return tokensAwaited(this.frames.values());
  }

  /** skipTimers for a run loaded from the store and not started: its waits are due now once it starts. */
  skipStoredTimers(id?: string): PendingTimer[] {
    return this.skip(this.pendingWork(true).timers, id);
  }

  /**
   * Fires pending Wait-state and retry timers now: all of them, or the one `id` names. The new due
   * time is part of the frame's phase, so the next commit makes the skip durable: a restart
   * resumes past the wait instead of waiting again, and the original timer is cancelled, so it
   * never fires later. Returns the timers it fired.
   */
  skipTimers(id?: string): PendingTimer[] {
    const fired = this.skip(this.pendingWork().timers, id);
    for (const t of fired) this.sleepers.get(t.id)?.();
    if (fired.length > 0) this.markDirty();
    return fired;
  }

  private skip(timers: PendingTimer[], id: string | undefined): PendingTimer[] {
    const now = this.now();
    const fired = timers.filter((t) => id === undefined || t.id === id);
    for (const t of fired) {
      const f = this.frames.get(t.id)!;
      if (f.phase.k === 'wait' || f.phase.k === 'backoff') f.phase.at = Math.min(f.phase.at, now);
    }
    return fired;
  }

  // ------------------------------------------------------------------------------------------
  // the state lifecycle, written once

  async runBranch(f: Frame): Promise<BranchResult> {
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
        this.markDirty();
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

  /**
   * Evaluates the state through its handler and performs the outcome; a state that was waiting
   * when the execution was committed (a Wait, a Task, branches or iterations) resumes from its
   * phase instead. A JSONPath state that needs no effect answers without a tick.
   */
  private runState(f: Frame, state: State, branch: Branch): Promise<StateOutcome> | StateOutcome {
    switch (f.phase.k) {
      case 'wait':
        return this.waitOut(f, state);
      case 'task':
      case 'parallel':
      case 'map':
        return this.awaitCompletion(f, state as CompletingState, undefined);
    }
    if (state.Type === 'Task' && !this.svc.integrations.flavor(state.Resource)) {
      throw new RuntimeError(this.unsupported(state.Resource));
    }
    const outcome = evaluateState(state, f.input, this.stateScope(f, state, branch));
    if (outcome instanceof Promise) return outcome.then((o) => this.perform(f, state, o));
    return this.perform(f, state, outcome);
  }

  /** Why nothing runs a Task's resource: the integrations may say how to provide it. */
  private unsupported(resource: string): string {
    return this.svc.integrations.unsupported?.(resource) ?? `The resource '${resource}' is not supported by this engine.`;
  }

  /** Carries out what a state asked for. */
  private perform(f: Frame, state: State, outcome: Outcome): Promise<StateOutcome> | StateOutcome {
    switch (outcome.kind) {
      case 'next':
        return this.exit(f, state, outcome.output, outcome.assigned, outcome.next);
      case 'end':
        return this.exit(f, state, outcome.output, outcome.assigned);
      case 'fail':
        // a Map whose tolerated failures fail to evaluate had started, as AWS records it
        if (outcome.startedItems !== undefined) this.emit(f, events.mapStateStarted({ length: outcome.startedItems }));
        // thrown for Retry and Catch; a JSONata field's error also earns an EvaluationFailed event
        throw this.evaluationFailed(outcome.error);
      case 'scheduleTimer':
        f.phase = { k: 'wait', at: outcome.at, output: outcome.output, assign: outcome.assigned };
        this.markDirty();
        return this.waitOut(f, state);
      case 'invoke':
      case 'fanOut':
        return this.awaitCompletion(f, state as CompletingState, outcome);
    }
  }

  /** A Wait's timer, then its exit. */
  private async waitOut(f: Frame, state: State): Promise<StateOutcome> {
    const p = f.phase as Extract<Phase, { k: 'wait' }>;
    await this.sleep(f, p.at);
    return this.exit(f, state, p.output, p.assign);
  }

  /** A Task's call, or a Parallel's branches or a Map's iterations, then the handler's `complete`. */
  private async awaitCompletion(f: Frame, state: CompletingState, outcome: Extract<Outcome, { kind: 'invoke' | 'fanOut' }> | undefined): Promise<StateOutcome> {
    let result: JsonValue;
    if (state.Type === 'Task') {
      const flavor = this.svc.integrations.flavor(state.Resource);
      if (!flavor) throw new RuntimeError(this.unsupported(state.Resource));
      result = await this.tasks.run(f, state as TaskState, flavor, outcome?.kind === 'invoke' ? outcome : undefined);
    } else {
      const fan = outcome?.kind === 'fanOut' ? outcome : undefined;
      result = state.Type === 'Parallel' ? await this.fanOut.parallel(f, state, fan) : await this.fanOut.map(f, state, fan);
    }
    const done = completeState(state, f.input, result, this.stateScope(f, state));
    return this.perform(f, state, done instanceof Promise ? await done : done);
  }

  /** Exits a state: the Exited event (with assigned variables), then next or end. */
  private exit(f: Frame, state: State, output: JsonValue, assigned: JsonObject | null, next?: string): StateOutcome {
    if (state.Type === 'Fail') throw new Error('a Fail state cannot exit');
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
    this.emit(f, events.stateExited(state.Type, { name: f.state, output: text, assignedVariables }));
    // a transition given by a Choice rule or a catcher wins over the state's own End
    const target = next ?? (state.Type === 'Choice' || state.End ? undefined : state.Next);
    if (target === undefined) return { kind: 'end', output, text };
    return { kind: 'next', next: target, output, text };
  }

  // ---- errors: the Retry/Catch decision (pure), then its effects

  private async handleError(f: Frame, state: State, branch: Branch, err: ExecutionError): Promise<'retry' | StateOutcome | undefined> {
    const failedEvent = () => {
      if (state.Type === 'Map' || state.Type === 'Parallel') this.emit(f, state.Type === 'Map' ? events.mapStateFailed() : events.parallelStateFailed());
    };
    if (err.error === undefined) {
      // a Fail state without Error: nothing can match it, but a Map or Parallel still records its failure
      failedEvent();
      return undefined;
    }
    if (this.takeEvaluationFailure(err)) {
      const failed = events.evaluationFailed({ error: err.error, state: f.state, cause: err.causeText, location: err.location });
      // input processing fails before the state counts as entered; a Wait's Seconds/Timestamp after
      this.emit(f, failed, { prev: state.Type === 'Wait' ? f.enteredId : f.enteredPrev });
    }
    // States.Runtime ends the execution at once: no retry, no catch, no state-failed event
    if (err.error === StatesErrorName.Runtime) return undefined;
    const decision = recover(state, err.error, isTaskError(err), f.retryCounts, () => this.svc.random());
    if (decision.kind === 'retry') {
      this.dropChildren(f);
      f.retryCounts[decision.retrier] = decision.attempt;
      f.retryTotal++;
      f.phase = { k: 'backoff', at: this.now() + decision.delayMs };
      this.markDirty();
      return 'retry';
    }
    failedEvent();
    if (decision.kind === 'fail') return undefined;
    this.dropChildren(f);
    f.phase = { k: 'run' };
    // the catcher's Output and Assign see $states.errorOutput
    const out = caught(decision.catcher, f.input, { error: err.error, cause: err.causeText }, this.stateScope(f, state, branch));
    return this.perform(f, state, out instanceof Promise ? await out : out);
  }
}

function cleanStop(s: { error?: string; cause?: string }): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (s.error !== undefined) out.error = s.error;
  if (s.cause !== undefined) out.cause = s.cause;
  return out;
}

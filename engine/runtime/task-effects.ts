/**
 * A Task's effects: its Scheduled/Started/Submitted/Succeeded/Failed events, the integration's
 * call, its timeout and heartbeat timers, and its task token (SendTaskSuccess, SendTaskFailure,
 * SendTaskHeartbeat). The state's own logic (parameters, timeouts, token, result) is the pure
 * handler in engine/states/task.ts; this is what the runner does with its `invoke` outcome.
 */
import type { JsonValue } from '../json.ts';
import type { TaskState } from '../definition/types.ts';
import { ExecutionError, HeartbeatTimeout, StatesErrorName, TaskTimeout, asExecutionError } from '../errors.ts';
import type { TaskResource } from '../history/events.ts';
import { payloadText } from '../history/events.ts';
import * as events from '../history/builders.ts';
import type { TimerHandle } from './clock.ts';
import type { TaskFlavor } from './integrations.ts';
import { payloadSizeError } from '../dataflow/index.ts';
import { secondsFromPath, type Outcome } from '../states/index.ts';
import { SparseMap, type Frame, type TaskPhase } from './frames.ts';
import { Aborted, type RunCore } from './run-core.ts';

type Invoke = Extract<Outcome, { kind: 'invoke' }>;
type TokenOutcome = { output: JsonValue } | { error: string; cause?: string };

/** Errors a task raised itself (States.TaskFailed matches them), as opposed to its state's. */
const taskErrors = new WeakSet<ExecutionError>();
/** Map iterations cut while in a Task: the Map records their TaskStateAborted after its MapIterationAborted */
export const cutInTask = new WeakSet<Frame>();

/** Whether a task raised `err` itself. */
export function isTaskError(err: ExecutionError): boolean {
  return taskErrors.has(err);
}

export class TaskEffects {
  private readonly core: RunCore;
  private readonly tokenWaiters = new SparseMap<string, { resolve: (v: JsonValue) => void; reject: (e: unknown) => void; frame: string }>();
  private readonly heartbeatKick = new SparseMap<string, () => void>();
  /** an activity task waiting for a worker, by its token: records ActivityStarted when GetActivityTask hands it out */
  private readonly activityStarts = new SparseMap<string, (workerName: string) => void>();

  constructor(core: RunCore) {
    this.core = core;
  }

  /**
   * Runs frame `f`'s Task to its result: from its `invoke` outcome, or, resumed, from its phase
   * (its Scheduled event already emitted). Throws the task's error, marked as the task's own.
   */
  async run(f: Frame, state: TaskState, flavor: TaskFlavor, invoke: Invoke | undefined): Promise<JsonValue> {
    const core = this.core;
    const region = /^arn:[^:]+:[^:]+:([^:]+):/.exec(state.Resource)?.[1] || core.info.region;
    let phase = f.phase.k === 'task' ? f.phase : undefined;
    if (!phase) {
      const { parameters, taskToken, timeoutSeconds, heartbeatSeconds } = invoke!;
      const now = core.now();
      phase = {
        k: 'task', params: parameters, token: taskToken,
        timeoutAt: timeoutSeconds !== undefined ? now + timeoutSeconds * 1000 : undefined,
        heartbeatAt: heartbeatSeconds !== undefined ? now + heartbeatSeconds * 1000 : undefined,
        heartbeatSeconds,
      };
      this.emitScheduled(f, flavor, parameters, region, timeoutSeconds, heartbeatSeconds);
      f.phase = phase;
      if (taskToken) core.svc.tokenIssued(core, taskToken, heartbeatSeconds);
      // nothing outside the engine may see a step before it is committed
      const unwritten = core.svc.commitNow();
      if (unwritten) await core.guard(f, unwritten);
    }
    try {
      const result = await this.invoke(f, state, flavor, phase, region);
      f.phase = { k: 'run' };
      return result;
    } catch (e) {
      if (e instanceof Aborted) {
        if (core.stopRequest) core.emit(f, events.taskStateAborted());
        else if (core.signalFor(f).aborted) {
          if (f.mapItem) cutInTask.add(f);
          else core.emit(f, events.taskStateAborted());
        }
        throw e;
      }
      const err = asExecutionError(e);
      taskErrors.add(err);
      f.phase = { k: 'run' };
      throw err;
    }
  }

  /** SendTaskSuccess / SendTaskFailure for a token of this execution. */
  settle(token: string, outcome: TokenOutcome): boolean {
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
    const f = this.core.frames.get(w.frame);
    if (f && this.pushHeartbeat(f)) {
      this.heartbeatKick.get(w.frame)?.();
      this.core.markDirty();
    }
    return true;
  }

  /**
   * SendTaskHeartbeat for a run loaded from the store and not started: pushes the heartbeat
   * deadline in its frames, which the next commit makes durable.
   */
  heartbeatStored(token: string): boolean {
    for (const f of this.core.frames.values()) {
      if (f.ended || f.phase.k !== 'task' || f.phase.token !== token) continue;
      this.pushHeartbeat(f);
      return true;
    }
    return false;
  }

  /**
   * GetActivityTask handed the activity task waiting on `token` to a worker: false when no task of
   * this run waits on it now (a run just loaded finds the worker in the store when it gets there).
   */
  activityStarted(token: string, workerName: string): boolean {
    const start = this.activityStarts.get(token);
    if (!start) return false;
    start(workerName);
    return true;
  }

  /** Whether a task of this run waits on `token` now. */
  awaits(token: string): boolean {
    return this.tokenWaiters.has(token);
  }

  /** The execution ended: none of its tokens answers any longer. */
  closeAll(): void {
    for (const t of this.tokenWaiters.keys()) this.core.svc.tokenClosed(t);
    this.tokenWaiters.clear();
  }

  private pushHeartbeat(f: Frame): boolean {
    if (f.phase.k !== 'task' || f.phase.heartbeatAt === undefined) return false;
    const seconds = f.phase.heartbeatSeconds ?? this.heartbeatSeconds(f);
    if (seconds === undefined) return false;
    f.phase.heartbeatAt = this.core.now() + seconds * 1000;
    return true;
  }

  /** HeartbeatSeconds read again, for a phase stored before it recorded its own. */
  private heartbeatSeconds(f: Frame): number | undefined {
    const state = this.core.branchOf(f).States[f.state] as TaskState;
    const v = secondsFromPath(state, f.input, this.core.scope(f, state), 'HeartbeatSeconds');
    return typeof v === 'number' ? v : undefined;
  }

  private emitScheduled(f: Frame, flavor: TaskFlavor, params: JsonValue, region: string, timeout?: number, heartbeat?: number): void {
    if (flavor.kind === 'lambda') {
      this.core.emit(f, events.lambdaFunctionScheduled({ resource: flavor.resource, input: payloadText(params), timeoutInSeconds: timeout }));
      return;
    }
    if (flavor.kind === 'activity') {
      this.core.emit(f, events.activityScheduled({ resource: flavor.resource, input: payloadText(params), timeoutInSeconds: timeout, heartbeatInSeconds: heartbeat }));
      return;
    }
    this.core.emit(f, events.taskScheduled({
      resourceType: flavor.resourceType, resource: flavor.resource, region, parameters: payloadText(params), timeoutInSeconds: timeout, heartbeatInSeconds: heartbeat,
    }));
  }

  private async invoke(f: Frame, state: TaskState, flavor: TaskFlavor, phase: TaskPhase, region: string): Promise<JsonValue> {
    const core = this.core;
    const res: TaskResource | undefined = flavor.kind === 'service' ? { resourceType: flavor.resourceType, resource: flavor.resource } : undefined;
    // a resumed task is invoked again (at-least-once, as on AWS) but its Started event stands once;
    // an activity's task starts when a worker takes it, not when it is queued
    if (!phase.started && flavor.kind !== 'activity') {
      phase.started = true;
      core.emit(f, res ? events.taskStarted(res) : events.lambdaFunctionStarted());
    }
    // a resumed task's token answers SendTask* again, even when the commit it resumed from came before its Started event
    if (phase.token) core.svc.tokenIssued(core, phase.token, undefined);
    if (core.halted || core.outcome || core.stopRequest) await core.checkpoint();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    core.signalFor(f).addEventListener('abort', onAbort, { once: true });
    const timers: TimerHandle[] = [];
    core.notifyBlocked(f);
    try {
      // the waiter exists before the integration runs: a callback may come back before invoke returns
      let tokenOutcome: Promise<JsonValue> | undefined;
      if (phase.token !== undefined) {
        const token = phase.token;
        tokenOutcome = new Promise<JsonValue>((resolve, reject) => {
          this.tokenWaiters.set(token, { resolve, reject, frame: f.id });
        });
        tokenOutcome.catch(() => {});
        const stored = core.svc.storedTokenOutcome(token);
        if (stored) this.settle(token, stored);
        if (flavor.kind === 'activity') this.awaitWorker(f, phase, token);
      }
      const submitted = (output: JsonValue) => {
        if (flavor.kind !== 'service' || !res || phase.submitted || controller.signal.aborted || core.halted) return;
        phase.submitted = true;
        try {
          core.emit(f, events.taskSubmitted(res, { output: payloadText(output) }));
        } catch (e) {
          // the execution ended (its history is full): the abort reaches the task through its signal
          if (!(e instanceof Aborted)) throw e;
        }
      };
      const work = (async () => {
        if (tokenOutcome !== undefined && phase.invoked) return await tokenOutcome;
        let inFull = false;
        const output = await core.svc.integrations.invoke({
          resource: state.Resource, parameters: phase.params, region, accountId: core.info.accountId,
          executionArn: core.info.executionArn, stateMachineName: core.info.stateMachineName, stateName: f.state,
          testCase: core.info.testCase, taskToken: phase.token, submitted, answeredInFull: () => { inFull = true; },
          timeoutSeconds: phase.timeoutAt !== undefined ? Math.round((phase.timeoutAt - core.now()) / 1000) : undefined,
          signal: controller.signal,
        });
        // a mocked callback task: the mock is the result, no token is awaited (Step Functions Local)
        if (tokenOutcome === undefined || inFull) return output;
        if (!controller.signal.aborted && !core.halted) {
          phase.invoked = true;
          core.markDirty();
        }
        if (flavor.kind === 'service' && res && !phase.submitted) {
          phase.submitted = true;
          core.emit(f, events.taskSubmitted(res, { output: payloadText(output) }));
        }
        return await tokenOutcome;
      })();
      const races: Promise<JsonValue>[] = [work];
      if (phase.timeoutAt !== undefined) {
        const t = core.sleepUntil(phase.timeoutAt);
        timers.push(t.handle);
        races.push(t.promise.then(() => Promise.reject(new TaskTimeout())));
      }
      if (phase.heartbeatAt !== undefined) races.push(this.heartbeatWatch(f, phase, timers));
      let output: JsonValue;
      try {
        output = await core.guard(f, Promise.race(races));
        const tooLarge = payloadSizeError(JSON.stringify(output ?? null), flavor.kind === 'service' ? flavor.resourceType : flavor.resource);
        if (tooLarge) throw tooLarge;
      } catch (e) {
        controller.abort();
        if (e instanceof Aborted) throw e;
        const err = asExecutionError(e);
        if (flavor.kind === 'activity') this.emitActivityFailure(f, err);
        else this.emitFailure(f, res, err);
        throw err;
      }
      const succeeded = { output: payloadText(output) };
      if (flavor.kind === 'activity') core.emit(f, events.activitySucceeded(succeeded));
      else core.emit(f, res ? events.taskSucceeded(res, succeeded) : events.lambdaFunctionSucceeded(succeeded));
      return output;
    } finally {
      core.signalFor(f).removeEventListener('abort', onAbort);
      for (const t of timers) t.cancel();
      if (phase.token) {
        this.activityStarts.delete(phase.token);
        this.tokenWaiters.delete(phase.token);
        core.svc.tokenClosed(phase.token);
      }
      this.heartbeatKick.delete(f.id);
    }
  }

  private heartbeatWatch(f: Frame, phase: TaskPhase, timers: TimerHandle[]): Promise<JsonValue> {
    return new Promise<JsonValue>((_, reject) => {
      let handle: TimerHandle | undefined;
      const arm = () => {
        handle?.cancel();
        const t = this.core.sleepUntil(phase.heartbeatAt!);
        handle = t.handle;
        timers.push(t.handle);
        t.promise.then(() => {
          if (handle === t.handle) reject(new HeartbeatTimeout());
        });
      };
      this.heartbeatKick.set(f.id, arm);
      arm();
    });
  }

  /**
   * An activity task records ActivityStarted once, when a worker takes it: now, when the store says
   * a worker took it before this run was loaded, or later through {@link activityStarted}.
   */
  private awaitWorker(f: Frame, phase: TaskPhase, token: string): void {
    const core = this.core;
    const start = (workerName: string) => {
      if (phase.started || core.halted) return;
      phase.started = true;
      try {
        core.emit(f, events.activityStarted(workerName || undefined));
        core.markDirty();
      } catch (e) {
        // the execution ended (its history is full): the abort reaches the task through its signal
        if (!(e instanceof Aborted)) throw e;
      }
    };
    this.activityStarts.set(token, start);
    const taken = core.svc.activityWorker?.(token);
    if (taken !== undefined) start(taken);
  }

  private emitActivityFailure(f: Frame, err: ExecutionError): void {
    const timedOut = err.error === StatesErrorName.Timeout || err.error === StatesErrorName.HeartbeatTimeout;
    const failure = { error: err.error, cause: err.causeText };
    this.core.emit(f, timedOut ? events.activityTimedOut(failure) : events.activityFailed(failure));
  }

  /** `res` is the service integration a Task called; a Lambda function's events carry none. */
  private emitFailure(f: Frame, res: TaskResource | undefined, err: ExecutionError): void {
    const timedOut = err.error === StatesErrorName.Timeout || err.error === StatesErrorName.HeartbeatTimeout;
    const failure = { error: err.error, cause: err.causeText };
    if (!res) this.core.emit(f, timedOut ? events.lambdaFunctionTimedOut(failure) : events.lambdaFunctionFailed(failure));
    else this.core.emit(f, timedOut ? events.taskTimedOut(res, failure) : events.taskFailed(res, failure));
  }
}

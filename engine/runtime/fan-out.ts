/**
 * A Parallel's branches and a Map's iterations: child frames started, run concurrently through
 * the lifecycle, their events threaded as AWS records them, their results gathered in order. The
 * state's own logic (its input, items, limits, each iteration's input, its result) is the pure
 * handler in engine/states/; this is what the runner does with its `fanOut` outcome.
 */
import type { JsonValue } from '../json.ts';
import type { MapState, ParallelState } from '../definition/types.ts';
import { isDistributedMap, mapProcessor } from '../definition/types.ts';
import { ExceedToleratedFailureThreshold, ExecutionError } from '../errors.ts';
import * as events from '../history/builders.ts';
import { batchItems, iterationInput, type Outcome } from '../states/index.ts';
import type { JsonObject } from '../json.ts';
import { RESULTS_PER_FILE, readItems, transformResults, writeManifest, writeResultFile, type CompactRecord, type ResultRecord } from './map-io.ts';
import { mapRunRow, type MapRunStatus } from './map-runs.ts';
import type { BranchResult, Frame, MapPhase } from './frames.ts';
import { Aborted, type ChildExecution, type RunCore } from './run-core.ts';
import { payloadText } from '../history/events.ts';
import { cutInTask } from './task-effects.ts';

type FanOutOutcome = Extract<Outcome, { kind: 'fanOut' }>;

export class FanOut {
  private readonly core: RunCore;
  /** UpdateMapRun's wake-up of a Map Run's loop waiting for a free slot */
  private readonly wakers = new Map<MapPhase, () => void>();
  /** a Map Run's result files being written while it runs, in order */
  private readonly flushes = new Map<MapPhase, Promise<void>>();

  constructor(core: RunCore) {
    this.core = core;
  }

  /**
   * Runs a Parallel's branches: from its `fanOut` outcome, or, resumed, from its phase (only the
   * branches not done). Resolves with their outputs; throws the first branch failure.
   */
  async parallel(f: Frame, state: ParallelState, fan: FanOutOutcome | undefined): Promise<JsonValue[]> {
    const core = this.core;
    if (f.phase.k !== 'parallel') {
      const input = fan!.input;
      core.emit(f, events.parallelStateStarted());
      const attempt = f.retryTotal;
      const children = state.Branches.map((b, i) => {
        const id = `${f.id}/${f.state}@${attempt}#${i}`;
        core.newFrame(id, [...f.branchPath, 'States', f.state, 'Branches', i], f.id, b.StartAt, input, f.last, {});
        return id;
      });
      f.phase = { k: 'parallel', input, results: state.Branches.map(() => null), done: state.Branches.map(() => false), children };
      core.markDirty();
    }
    const phase = f.phase;
    core.notifyBlocked(f);
    const failure = await this.runChildren(f, phase.children.map((id, i) => ({ id, index: i, done: phase.done[i] })), (i, r) => {
      const child = core.frames.get(phase.children[i]);
      if (child) f.last = child.last;
      // a failed branch keeps its frame: a redrive runs it again from the state that failed
      if (!r.ok) {
        // recorded on AWS: TaskFailed, TaskStateAborted, then ParallelStateFailed; the abort is no step of the thread
        if (r.taskAborted && child) core.emit(child, events.taskStateAborted(), { keepLast: true });
        return;
      }
      phase.done[i] = true;
      phase.results[i] = r.output;
      if (child) core.dropFrame(child.id);
    });
    // the phase stays on failure: a redrive re-runs only the branches that did not succeed
    if (failure) throw failure;
    core.emit(f, events.parallelStateSucceeded(), { keepLast: true });
    f.phase = { k: 'run' };
    return phase.results as JsonValue[];
  }

  /**
   * Runs a Map's iterations: from its `fanOut` outcome, or, resumed, from its phase (only the
   * iterations not done). Resolves with their outputs; throws what failed the Map.
   */
  async map(f: Frame, state: MapState, fan: FanOutOutcome | undefined): Promise<JsonValue> {
    const core = this.core;
    const distributed = isDistributedMap(state);
    if (f.phase.k !== 'map') {
      const { input, items, maxConcurrency, toleratedFailureCount, toleratedFailurePercentage, reader, writer } = fan!;
      let all = items ?? [];
      if (reader) {
        const read = await readItems(core.svc.itemSource, reader);
        const batched = await batchItems(state, read, input, core.stateScope(f, state));
        if (batched instanceof Error) throw batched;
        all = batched;
      }
      core.emit(f, events.mapStateStarted({ length: all.length }));
      let mapRunArn: string | undefined;
      if (distributed) {
        mapRunArn = `arn:aws:states:${core.info.region}:${core.info.accountId}:mapRun:${core.info.stateMachineName}/${state.Label ?? core.svc.uuid()}:${core.svc.uuid()}`;
        core.emit(f, events.mapRunStarted({ mapRunArn }));
      }
      f.phase = {
        k: 'map', items: all, input, results: all.map(() => null), status: all.map(() => 'pending'), children: {},
        maxConcurrency, toleratedCount: toleratedFailureCount, toleratedPercentage: toleratedFailurePercentage, failures: 0, iterPrev: f.last, mapRunArn,
        // a ResultWriter belongs to a Distributed Map's Map Run
        writer: distributed ? writer : undefined,
        runStartMs: distributed ? core.now() : undefined,
      };
      core.markDirty();
      if (distributed) this.mapRunChanged(f.phase, 'RUNNING');
    }
    const phase = f.phase as MapPhase;
    if (phase.redriven) {
      delete phase.redriven;
      core.emit(f, events.mapRunRedriven({ mapRunArn: phase.mapRunArn!, redriveCount: phase.runRedrives ?? 1 }));
      this.mapRunChanged(phase, 'RUNNING');
    }
    let failure: ExecutionError | undefined;
    try {
      failure = await this.runIterations(f, state, phase, distributed);
    } catch (e) {
      if (distributed && e instanceof Aborted) this.mapRunChanged(phase, 'ABORTED');
      throw e;
    }
    let written: JsonValue | undefined;
    if (phase.writer && !core.signalFor(f).aborted) {
      try {
        written = await this.finishResults(phase);
      } catch (e) {
        if (failure || !(e instanceof ExecutionError)) throw failure ?? e;
        core.emit(f, events.mapRunFailed({ error: e.error, cause: e.causeText }));
        this.mapRunChanged(phase, 'FAILED');
        throw e;
      }
    }
    if (failure) {
      if (distributed) {
        core.emit(f, events.mapRunFailed({ error: failure.error, cause: failure.causeText }));
        this.mapRunChanged(phase, 'FAILED');
      }
      // the phase stays: a redrive re-runs only the iterations that did not succeed
      throw failure;
    }
    if (distributed) {
      core.emit(f, events.mapRunSucceeded());
      this.mapRunChanged(phase, 'SUCCEEDED');
    }
    const last = f.last;
    core.emit(f, events.mapStateSucceeded(), { keepLast: true });
    f.last = last;
    // tolerated failures leave frames behind; the Map is done with them
    core.dropChildren(f);
    f.phase = { k: 'run' };
    return written ?? (phase.results as JsonValue[]);
  }

  /** Runs child frames concurrently; the first failure aborts the others and is returned. */
  private async runChildren(f: Frame, children: { id: string; index: number; done: boolean }[], onDone: (index: number, r: BranchResult) => void): Promise<ExecutionError | undefined> {
    const core = this.core;
    let failure: ExecutionError | undefined;
    await Promise.all(
      children.filter((c) => !c.done).map(async (c) => {
        const child = core.frames.get(c.id)!;
        try {
          const r = await core.runBranch(child);
          if (!r.ok && !failure) {
            failure = r.error;
            onDone(c.index, r);
            core.abortChildren(f, c.id);
            return;
          }
          if (failure) return;
          onDone(c.index, r);
        } catch (e) {
          if (!(e instanceof Aborted)) throw e;
        }
      }),
    );
    if (core.signalFor(f).aborted) throw new Aborted();
    return failure;
  }

  /** Wakes a Map Run's scheduling loop: UpdateMapRun changed its limits. */
  wake(phase: MapPhase): void {
    const w = this.wakers.get(phase);
    this.wakers.delete(phase);
    w?.();
  }

  /** The Map Run's row as it is now. */
  mapRunChanged(phase: MapPhase, status: MapRunStatus): void {
    const core = this.core;
    core.svc.mapRunChanged?.(mapRunRow(core.info.executionArn, phase, status, status === 'RUNNING' ? null : core.now()));
  }

  /** Starts a Distributed Map child execution's own history: its ExecutionStarted is event 1. */
  private openChild(state: MapState, phase: MapPhase, index: number, child: Frame, resumed = false): void {
    const core = this.core;
    // a child resumed after a restart goes on with the history its frame's snapshot kept
    if (child.child) return;
    const mapRunArn = phase.mapRunArn!;
    const name = childExecutionName(mapRunArn, index);
    const log: ChildExecution = {
      arn: childExecutionArn(mapRunArn, name), name,
      stateMachineArn: mapRunArn.slice(0, mapRunArn.lastIndexOf(':')).replace(':mapRun:', ':stateMachine:'),
      mapRunArn, type: mapProcessor(state).ProcessorConfig?.ExecutionType ?? 'STANDARD',
      startMs: core.now(), input: payloadText(child.input), events: [], nextId: 1,
    };
    child.child = log;
    child.childLog = child.id;
    const before = resumed ? core.svc.endedChildExecution?.(log.arn) : undefined;
    if (before && (before.status === 'FAILED' || before.status === 'ABORTED')) {
      // a redriven child: its history goes on after its end, from the state that failed
      log.nextId = before.events + 1;
      log.startMs = before.startMs;
      log.input = before.input;
      log.redriveCount = before.redriveCount + 1;
      log.redriveMs = core.now();
      child.last = core.emitChild(log, before.events, events.executionRedriven({ redriveCount: log.redriveCount }));
      return;
    }
    child.last = core.emitChild(log, 0, events.executionStarted({ input: log.input, roleArn: core.info.roleArn }));
  }

  /** Ends a child execution's history (`r` undefined: aborted) and hands it to the store. */
  private closeChild(child: Frame, r: BranchResult | undefined): void {
    const core = this.core;
    const log = child.child;
    if (!log) return;
    delete child.child;
    if (r?.ok) {
      log.status = 'SUCCEEDED';
      log.output = payloadText(r.output);
      core.emitChild(log, child.last, events.executionSucceeded({ output: log.output }));
    } else if (r) {
      log.status = 'FAILED';
      log.error = r.error.error;
      log.cause = r.error.causeText;
      core.emitChild(log, child.last, events.executionFailed({ error: log.error, cause: log.cause }));
    } else {
      log.status = 'ABORTED';
      core.emitChild(log, child.last, events.executionAborted({}));
    }
    core.svc.childExecutionEnded?.(core, log);
  }

  /** What a finished child keeps for the ResultWriter's files until they are written. */
  private record(phase: MapPhase, index: number, child: Frame, output?: JsonValue, error?: ExecutionError): CompactRecord {
    const core = this.core;
    const start = phase.started?.[index] ?? core.now();
    if (phase.started) delete phase.started[index];
    if (error === undefined) return [0, payloadText(child.input), payloadText(output), start, core.now()];
    const r: CompactRecord = [1, payloadText(child.input), null, start, core.now(), error.error];
    if (error.causeText !== undefined) r.push(error.causeText);
    return r;
  }

  /** A child execution's record as AWS writes it in a result file. */
  private fullRecord(phase: MapPhase, index: number, c: CompactRecord): ResultRecord {
    const name = childExecutionName(phase.mapRunArn!, index);
    const ok = c[0] === 0;
    const rec: ResultRecord = { ExecutionArn: childExecutionArn(phase.mapRunArn!, name), Input: c[1] as string, InputDetails: { Included: true }, Name: name };
    if (ok) Object.assign(rec, { Output: c[2], OutputDetails: { Included: true } });
    Object.assign(rec, {
      RedriveCount: 0,
      RedriveStatus: ok ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
      ...(ok ? { RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' } : {}),
      StartDate: isoDate(c[3] as number),
      StateMachineArn: this.core.info.stateMachineArn,
      Status: ok ? 'SUCCEEDED' : 'FAILED',
      StopDate: isoDate(c[4] as number),
    });
    if (!ok) {
      rec.Error = c[5] ?? null;
      if (c[6] !== undefined) rec.Cause = c[6];
    }
    return rec;
  }

  /** A child's record was kept: once RESULTS_PER_FILE wait, they are written out, and the children keep only their status. */
  private noteRecord(phase: MapPhase): void {
    // a WriterConfig without a bucket shapes the Map's output: the records stay until the end
    if (phase.writer?.bucket === undefined) return;
    phase.unwritten = (phase.unwritten ?? 0) + 1;
    if (phase.unwritten < RESULTS_PER_FILE) return;
    phase.unwritten = 0;
    const prior = this.flushes.get(phase) ?? Promise.resolve();
    const next = prior.then(() => this.writeRecords(phase));
    // a failure is thrown where the Map Run ends (finishResults), not here
    next.catch(() => undefined);
    this.flushes.set(phase, next);
  }

  /** Writes the records kept so far as one file per group; their children then keep 0 for a result. */
  private async writeRecords(phase: MapPhase): Promise<void> {
    const core = this.core;
    const groups: Record<'SUCCEEDED' | 'FAILED', { i: number[]; records: ResultRecord[] }> = { SUCCEEDED: { i: [], records: [] }, FAILED: { i: [], records: [] } };
    phase.results.forEach((r, i) => {
      if (!Array.isArray(r)) return;
      const g = groups[(r as CompactRecord)[0] === 0 ? 'SUCCEEDED' : 'FAILED'];
      g.i.push(i);
      g.records.push(this.fullRecord(phase, i, r as CompactRecord));
    });
    const files = (phase.files ??= { SUCCEEDED: [], FAILED: [], PENDING: [] });
    for (const group of ['SUCCEEDED', 'FAILED'] as const) {
      const g = groups[group];
      for (let from = 0; from < g.records.length; from += RESULTS_PER_FILE) {
        const chunk = g.records.slice(from, from + RESULTS_PER_FILE);
        const body = group === 'SUCCEEDED' ? transformResults(phase.writer!.transformation, chunk) : chunk;
        const file = await writeResultFile(core.svc.resultSink, phase.writer!, phase.mapRunArn!, group, files[group].length, body);
        files[group].push(file);
      }
      for (const i of g.i) core.mapParts.setItem(phase, i, group === 'SUCCEEDED' ? 'ok' : 'failed', 0);
      phase.resultsWritten = (phase.resultsWritten ?? 0) + g.i.length;
    }
    core.markDirty();
  }

  /** The last records, the children never started (PENDING), the manifest: the Map's output. */
  private async finishResults(phase: MapPhase): Promise<JsonValue> {
    const core = this.core;
    if (phase.writer!.bucket === undefined) return this.shapedOutput(phase);
    await this.flushes.get(phase);
    this.flushes.delete(phase);
    await this.writeRecords(phase);
    const files = (phase.files ??= { SUCCEEDED: [], FAILED: [], PENDING: [] });
    const pending: ResultRecord[] = [];
    phase.status.forEach((s, i) => {
      if (s === 'pending') pending.push({ Input: payloadText(phase.items[i]), InputDetails: { Included: true }, Status: 'PENDING' });
    });
    for (let from = 0; from < pending.length; from += RESULTS_PER_FILE) {
      files.PENDING.push(await writeResultFile(core.svc.resultSink, phase.writer!, phase.mapRunArn!, 'PENDING', files.PENDING.length, pending.slice(from, from + RESULTS_PER_FILE)));
    }
    return writeManifest(core.svc.resultSink, phase.writer!, phase.mapRunArn!, files);
  }

  /** A WriterConfig without a bucket: the Map's output is its children's results, in item order, as the Transformation shapes them. */
  private shapedOutput(phase: MapPhase): JsonValue[] {
    const out: JsonValue[] = [];
    phase.results.forEach((r, i) => {
      if (!Array.isArray(r)) return;
      const record = this.fullRecord(phase, i, r as CompactRecord);
      if ((r as CompactRecord)[0] !== 0) out.push(record);
      else out.push(...transformResults(phase.writer!.transformation, [record]));
    });
    return out;
  }

  private async runIterations(f: Frame, state: MapState, phase: MapPhase, distributed: boolean): Promise<ExecutionError | undefined> {
    const core = this.core;
    const n = phase.items.length;
    // read at each start: UpdateMapRun may change it while the Map Run runs
    const limit = () => (phase.maxConcurrency > 0 ? phase.maxConcurrency : Number.POSITIVE_INFINITY);
    const changed = () => new Promise<void>((resolve) => this.wakers.set(phase, resolve));
    const processor = mapProcessor(state);
    const procKey = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
    let failure: ExecutionError | undefined;
    /** the failed iteration's last event: what it cuts in the others is chained to it */
    let failedLast: number | undefined;
    let running = 0;
    const inflight = new Set<Promise<void>>();
    const attempt = f.retryTotal;
    const thresholdExceeded = () => new ExceedToleratedFailureThreshold('The specified tolerated failure threshold was exceeded');
    const tolerated = () => {
      if (phase.failures === 0) return true;
      if (phase.toleratedCount > 0 && phase.failures <= phase.toleratedCount) return true;
      if (phase.toleratedPercentage > 0 && (phase.failures / n) * 100 <= phase.toleratedPercentage) return true;
      return false;
    };
    const runOne = async (index: number, child: Frame, resumed: boolean) => {
      running++;
      // a child resumed after a restart, or redriven
      if (distributed && resumed) this.openChild(state, phase, index, child, true);
      try {
        if (!resumed && !distributed) {
          core.emit(f, events.mapIterationStarted({ index, name: f.state }), { prev: phase.iterPrev, keepLast: true });
          child.last = core.nextEventId - 1;
        }
        let r: BranchResult;
        try {
          r = await core.runBranch(child);
        } catch (e) {
          if (!(e instanceof Aborted)) throw e;
          if (distributed) this.closeChild(child, undefined);
          const inTask = cutInTask.delete(child);
          if (!distributed && failedLast !== undefined && !core.stopRequest) {
            // cut by a failed iteration, as recorded on AWS (test_service_lambda_map_timeout): each cut
            // iteration's MapIterationAborted, then its Task's TaskStateAborted, all after the failure's event
            core.emit(f, events.mapIterationAborted({ index, name: f.state }), { prev: failedLast, keepLast: true });
            if (inTask) core.emit(child, events.taskStateAborted(), { prev: failedLast, keepLast: true });
          } else if (!distributed) {
            if (inTask) core.emit(child, events.taskStateAborted());
            core.emit(f, events.mapIterationAborted({ index, name: f.state }), { prev: child.last, keepLast: true });
          }
          core.mapParts.setItem(phase, index, 'failed');
          // DescribeMapRun counts a cut child as aborted, not failed
          if (distributed) (phase.abortedItems ??= {})[index] = true;
          return;
        }
        if (distributed) this.closeChild(child, r);
        if (failure) {
          // an iteration whose Task failed after another iteration failed the Map is cut all the same
          if (!r.ok && r.taskAborted && !distributed && failedLast !== undefined && !core.stopRequest) {
            core.emit(f, events.mapIterationAborted({ index, name: f.state }), { prev: failedLast, keepLast: true });
            core.emit(child, events.taskStateAborted(), { prev: failedLast, keepLast: true });
          }
          return;
        }
        if (r.ok) {
          core.mapParts.setItem(phase, index, 'ok', phase.writer ? this.record(phase, index, child, r.output) : r.output);
          if (phase.writer) this.noteRecord(phase);
          if (!distributed) {
            f.last = core.emit(f, events.mapIterationSucceeded({ index, name: f.state }), { prev: child.last, keepLast: true });
          }
          phase.iterPrev = child.last;
        } else {
          core.mapParts.setItem(phase, index, 'failed', phase.writer ? this.record(phase, index, child, undefined, r.error) : undefined);
          if (phase.writer) this.noteRecord(phase);
          phase.failures++;
          if (!distributed) {
            core.emit(f, events.mapIterationFailed({ index, name: f.state }), { prev: child.last, keepLast: true });
            // recorded on AWS: MapIterationFailed, then the failed Task's TaskStateAborted (same previousEventId)
            if (r.taskAborted) core.emit(child, events.taskStateAborted(), { keepLast: true });
          }
          phase.iterPrev = child.last;
          f.last = child.last;
          if (!tolerated()) {
            failedLast = child.last;
            failure = distributed ? thresholdExceeded() : r.error;
            core.abortChildren(f, child.id);
          }
        }
        // a failed iteration keeps its frame for a redrive, until the Map ends
        if (r.ok) {
          core.dropFrame(child.id);
          delete phase.children[index];
        }
        core.markDirty();
      } finally {
        running--;
      }
    };
    const start = async (index: number) => {
      const input = await iterationInput(state, phase.input, index, phase.items[index], core.stateScope(f, state));
      const id = `${f.id}/${f.state}@${attempt}:${index}`;
      const child = core.newFrame(id, [...f.branchPath, 'States', f.state, procKey], f.id, processor.StartAt, core.evaluated(input), phase.iterPrev, {});
      child.mapItem = { index, value: phase.items[index] };
      if (phase.writer) (phase.started ??= {})[index] = core.now();
      if (distributed) {
        child.silent = true;
        this.openChild(state, phase, index, child);
      }
      phase.children[index] = id;
      core.mapParts.setItem(phase, index, 'running');
      const blocked = new Promise<void>((resolve) => core.blockListeners.set(id, resolve));
      const p = runOne(index, child, false).finally(() => {
        inflight.delete(p);
        core.notifyBlocked(child);
        if (distributed) this.wake(phase);
      });
      // a branch off the chain, not a link in it: a link would shift when the next iteration starts
      p.catch((e: unknown) => core.detachedFailure(e));
      inflight.add(p);
      // start iterations one at a time: the next starts when this one waits or ends, as AWS orders their events
      await blocked;
    };
    // resume iterations that were running at the last commit
    for (const [idx, id] of Object.entries(phase.children)) {
      const child = core.frames.get(id);
      if (!child || phase.status[Number(idx)] !== 'running') continue;
      const p = runOne(Number(idx), child, true).finally(() => {
        inflight.delete(p);
        if (distributed) this.wake(phase);
      });
      p.catch((e: unknown) => core.detachedFailure(e));
      inflight.add(p);
    }
    for (let next = 0; next < n; next++) {
      if (failure || core.signalFor(f).aborted) break;
      if (phase.status[next] !== 'pending') continue;
      // a Distributed Map waits for a freed slot or an UpdateMapRun, not a race over its (up to thousands of) children
      while (running >= limit() && !failure) await (distributed ? changed() : Promise.race(inflight));
      if (failure || core.signalFor(f).aborted) break;
      if (core.halted) await core.checkpoint();
      await start(next);
      await core.maybeYield();
    }
    while (inflight.size > 0) await Promise.race(inflight);
    if (core.signalFor(f).aborted) throw new Aborted();
    if (failure) return failure;
    if (distributed && phase.failures > 0 && !tolerated()) return thresholdExceeded();
    return undefined;
  }
}

/**
 * A child execution's name: uuid-shaped, as AWS names them, and derived from the Map Run and the
 * item's index so that it is known again after a restart without being stored.
 */
export function childExecutionName(mapRunArn: string, index: number): string {
  const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1).replace(/-/g, '').padEnd(32, '0');
  const tail = index.toString(16).padStart(12, '0');
  const hex = runId.slice(0, 20) + tail.slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `arn:...:mapRun:<sm>/<label>:<id>` -> `arn:...:execution:<sm>/<label>:<childName>`, as AWS names a Map Run's child executions. */
export function childExecutionArn(mapRunArn: string, name: string): string {
  const head = mapRunArn.slice(0, mapRunArn.lastIndexOf(':')).replace(':mapRun:', ':execution:');
  return `${head}:${name}`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}


/**
 * Which executions are resident and which rest in the store. A resident execution is a live
 * ExecutionRun; one whose every frame waits (a timer at least `restAfterMs` ahead, or only a task
 * token) rests once committed: its snapshot stays in the store, its earliest wake-up goes to the
 * `timers` table, and the run is dropped, so that memory follows the work in flight rather than
 * the executions open. This module launches runs, loads resting ones when their wake-up comes (the
 * WakeUps window), when a token is answered or when they are stopped, ends in the store those no
 * run can hold, and keeps the index of the task tokens resident runs wait on. Apart from the
 * Engine facade so that the lifecycle of residency is read in one place.
 */
import { detailsKey, rememberText, type HistoryEvent } from '../history/events.ts';
import type { JsonValue } from '../json.ts';
import type { Scheduler } from './clock.ts';
import { WakeUps } from './wake-ups.ts';
import { ExecutionRun, type ExecutionInfo, type ExecutionOutcome, type InterpreterServices, type PendingTimer, type PendingWork } from './interpreter.ts';
import { ApiError } from '../api-error.ts';
import type { CommitBatcher, ResidentExecution } from './commits.ts';
import type { DefinitionCache } from './definitions.ts';
import { ExecutionStatus, type ExecutionRow, type Store } from '../store/sqlite.ts';

/** A resident execution, and its end once it is written. */
export interface RunningExecution extends ResidentExecution {
  done: Promise<ExecutionOutcome>;
}

export interface ResidencyOptions {
  store: Store;
  scheduler: Scheduler;
  commits: CommitBatcher;
  definitions: DefinitionCache;
  svc: InterpreterServices;
  accountId: string;
  region: string;
  /** executions never loaded: they stay RUNNING in the store */
  quarantine: ReadonlySet<string>;
  restAfterMs: number;
  /** true once the engine has halted or closed: nothing more is loaded or rested */
  stopped: () => boolean;
}

export class Residency {
  /** the resident executions, by ARN */
  readonly running = new Map<string, RunningExecution>();
  /** task tokens resident runs wait on, to their execution's ARN */
  readonly tokens = new Map<string, string>();
  /** the wake-ups of resting executions due soon */
  readonly wakeUps: WakeUps;
  /** executions committed since the last rest pass: each may rest now */
  private readonly restCandidates = new Set<string>();
  /** waitFor() callers of executions that may rest meanwhile */
  private readonly endWaiters = new Map<string, { promise: Promise<ExecutionOutcome>; resolve: (o: ExecutionOutcome) => void }>();
  private loads = 0;
  private readonly store: Store;
  private readonly scheduler: Scheduler;
  private readonly commits: CommitBatcher;
  private readonly definitions: DefinitionCache;
  private readonly svc: InterpreterServices;
  private readonly accountId: string;
  private readonly region: string;
  private readonly quarantine: ReadonlySet<string>;
  private readonly restAfterMs: number;
  private readonly stopped: () => boolean;

  constructor(opts: ResidencyOptions) {
    this.store = opts.store;
    this.scheduler = opts.scheduler;
    this.commits = opts.commits;
    this.definitions = opts.definitions;
    this.svc = opts.svc;
    this.accountId = opts.accountId;
    this.region = opts.region;
    this.quarantine = opts.quarantine;
    this.restAfterMs = opts.restAfterMs;
    this.stopped = opts.stopped;
    this.wakeUps = new WakeUps(this.scheduler, this.store, (arns, now) => this.loadDue(arns, now), (arn) => this.quarantine.has(arn));
  }

  /** A running execution was committed: it may rest at the next pass. */
  mayRest(arn: string): void {
    this.restCandidates.add(arn);
  }

  /** An execution no run holds ended in the store: its waiters hear it now. */
  endedInStore(row: ExecutionRow): void {
    this.endWaiters.get(row.arn)?.resolve(rowOutcome(row));
    this.endWaiters.delete(row.arn);
  }

  launch(run: ExecutionRun, row: ExecutionRow, resumed = false): RunningExecution {
    const entry = { run, row } as RunningExecution;
    this.running.set(row.arn, entry);
    // a resumed execution is as committed; it marks itself dirty once it moves
    if (!resumed) this.commits.markDirty(row.arn);
    // run() never rejects (a defect fails the execution); the end counts once it is written
    entry.done = run.run().then((outcome) => {
      const ended = () => {
        if (this.running.get(row.arn) === entry) this.running.delete(row.arn);
        this.endWaiters.get(row.arn)?.resolve(outcome);
        this.endWaiters.delete(row.arn);
        return outcome;
      };
      return this.commits.flush() ? ended() : this.commits.written().then(ended);
    });
    entry.done.catch((err: unknown) => process.emitWarning(`Longhaul: execution ${row.arn}: ${err instanceof Error ? err.stack : String(err)}`));
    return entry;
  }

  /** Forgets an execution whose start was not acknowledged: it never ran, as far as anyone knows. */
  discard(entry: RunningExecution): void {
    const arn = entry.row.arn;
    entry.run.halt();
    if (this.running.get(arn) === entry) this.running.delete(arn);
    this.commits.forget(entry.row);
  }

  /**
   * Loads a RUNNING execution from its committed snapshot, as a restart does, and starts it
   * (`started`: already dirty, so that its next commit carries a change made to it). An execution
   * that cannot be loaded ends FAILED with States.Runtime.
   */
  load(row: ExecutionRow, run?: ExecutionRun, started = false, unrested = false): RunningExecution | undefined {
    if (!unrested && row.id !== undefined) this.unrest([row.id]);
    try {
      run ??= this.rehydrate(row);
      if (!run) throw new Error(row.snapshot ? 'its definition is missing from the store' : 'it has no saved state');
    } catch (err) {
      process.emitWarning(`Longhaul: execution ${row.arn} could not be resumed: ${err instanceof Error ? err.stack : String(err)}`);
      this.endStored(row, ExecutionStatus.Failed, 'States.Runtime', `The execution could not be resumed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    this.loads++;
    // SendTask* finds it before its tasks have registered their tokens again
    for (const token of run.tokensAwaited()) this.tokens.set(token, row.arn);
    const entry = this.launch(run, row, !started);
    // a loaded execution that only re-arms its timers rests again at the next pass
    this.restCandidates.add(row.arn);
    this.commits.scheduleCommit();
    return entry;
  }

  /** Clears the resting rows of executions being loaded; a failure costs nothing but a stale row (see Store.unrest). */
  private unrest(ids: number[]): void {
    if (ids.length === 0) return;
    try {
      this.store.unrest(ids);
    } catch {
      // the execution's next commit clears it
    }
  }

  /** What a running execution waits on: a resident one's frames, or a resting one's snapshot. */
  pendingWork(executionArn: string): PendingWork {
    const r = this.running.get(executionArn);
    if (r) return r.run.pendingWork();
    return this.restingRun(executionArn)?.run.pendingWork(true) ?? { timers: [], tokens: [] };
  }

  /**
   * Fires a running execution's Wait and retry timers now (all, or `timerId`): a resident one's
   * in its frames, a resting one's in its snapshot, which is then loaded and runs on. The caller
   * commits what changed.
   */
  skipTimers(row: ExecutionRow, timerId: string | undefined): PendingTimer[] {
    const r = this.running.get(row.arn);
    const resting = r || row.status !== ExecutionStatus.Running ? undefined : this.restingRun(row.arn);
    if (row.status !== ExecutionStatus.Running || !(r || resting)) throw new ApiError('ExecutionNotRunning', `Execution Not Running: '${row.arn}'`);
    const fired = resting ? resting.run.skipStoredTimers(timerId) : r!.run.skipTimers(timerId);
    if (timerId !== undefined && fired.length === 0) throw new ApiError('ResourceNotFound', `No pending timer '${timerId}' in '${row.arn}'`);
    // a resting execution's new due times are in the snapshot the next commit writes; it runs on from there
    if (resting && fired.length > 0) this.load(resting.row, resting.run, true);
    return fired;
  }

  /** A RUNNING execution that rests in the store, loaded from its snapshot without being started. */
  restingRun(executionArn: string): { row: ExecutionRow; run: ExecutionRun } | undefined {
    if (this.running.has(executionArn) || this.quarantine.has(executionArn)) return undefined;
    if (!this.store.restingDue(executionArn)) return undefined;
    const row = this.store.getExecution(executionArn);
    if (!row || row.status !== ExecutionStatus.Running) return undefined;
    const run = this.rehydrate(row);
    return run && { row, run };
  }

  /** How many executions are resident (held as a live run), the others rest in the store. */
  get size(): number {
    return this.running.size;
  }

  /** How many executions this engine loaded from the store (at resumeAll, when due, for a token, to stop them). */
  get loadedCount(): number {
    return this.loads;
  }

  /**
   * Lets every committed execution whose frames all wait rest in the store: its snapshot is
   * committed; this records its earliest wake-up in `timers`, cancels its timers and drops the run.
   */
  restQuiescent(): void {
    if (this.stopped() || this.commits.storeFault || this.restCandidates.size === 0) return;
    const now = this.scheduler.now();
    const resting: { r: RunningExecution; dueMs: number | null }[] = [];
    for (const arn of this.restCandidates) {
      const r = this.running.get(arn);
      if (!r || this.commits.isDirty(arn) || r.row.id === undefined || this.commits.unsaveable(r.run)) continue;
      const due = r.run.restingDue();
      if (due === undefined || (due !== null && due - now < this.restAfterMs)) continue;
      resting.push({ r, dueMs: due });
    }
    this.restCandidates.clear();
    if (resting.length === 0) return;
    try {
      this.store.rest(resting.map(({ r, dueMs }) => ({ executionId: r.row.id!, dueMs })));
    } catch {
      // they stay resident: nothing is lost, they only hold memory
      return;
    }
    for (const { r, dueMs } of resting) {
      for (const t of r.run.pendingWork().tokens) this.tokens.delete(t.taskToken);
      r.run.halt();
      this.running.delete(r.row.arn);
      this.wakeUps.rested(r.row.arn, dueMs);
    }
  }

  /** Loads the resting executions whose wake-up has come, as the store has them now. */
  private loadDue(arns: string[], now: number): void {
    if (this.stopped()) return;
    const due: ExecutionRow[] = [];
    for (const arn of arns) {
      if (this.running.has(arn)) continue;
      // the index may be stale: the store says whether it still rests, and until when
      const resting = this.store.restingDue(arn);
      if (!resting || resting.dueMs === null || resting.dueMs > now) continue;
      const row = this.store.getExecution(arn);
      if (row && row.status === ExecutionStatus.Running) due.push(row);
    }
    this.unrest(due.map((r) => r.id!));
    for (const row of due) this.load(row, undefined, false, true);
  }

  /**
   * Ends an execution that no run holds (quarantined, or not resumable) in the store: its row
   * and one closing event (ExecutionAborted or ExecutionFailed), written with the next commit.
   * The snapshot stays, moved past the new event, so that RedriveExecution can continue it.
   */
  endStored(row: ExecutionRow, status: typeof ExecutionStatus.Aborted | typeof ExecutionStatus.Failed, error?: string, cause?: string): void {
    let last = this.store.eventCount(row.arn);
    let snapshot: { nextEventId?: number } | undefined;
    try {
      snapshot = row.snapshot ? (JSON.parse(row.snapshot) as { nextEventId?: number }) : undefined;
    } catch {
      snapshot = undefined;
    }
    if (snapshot && typeof snapshot.nextEventId === 'number') last = Math.max(last, snapshot.nextEventId - 1);
    const type = status === ExecutionStatus.Aborted ? 'ExecutionAborted' : 'ExecutionFailed';
    const details: Record<string, string> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    const now = this.scheduler.now();
    const event: HistoryEvent = { timestamp: now, type, id: last + 1, previousEventId: last, [detailsKey(type)]: details };
    if (snapshot) snapshot.nextEventId = last + 2;
    Object.assign(row, {
      status, stopMs: now, error: error ?? null, cause: cause ?? null, snapshot: snapshot ? JSON.stringify(snapshot) : null,
    });
    this.commits.rowEnded(row, [event]);
  }

  ending(executionArn: string): Promise<ExecutionOutcome> {
    let w = this.endWaiters.get(executionArn);
    if (!w) {
      let resolve!: (o: ExecutionOutcome) => void;
      const promise = new Promise<ExecutionOutcome>((res) => {
        resolve = res;
      });
      w = { promise, resolve };
      this.endWaiters.set(executionArn, w);
    }
    return w.promise;
  }

  /** An ExecutionRun from a stored row and its snapshot (a running one, or a failed one to redrive). */
  rehydrate(row: ExecutionRow): ExecutionRun | undefined {
    if (!row.snapshot) return undefined;
    const definition = this.definitions.byHash(row.definitionHash);
    if (!definition) return undefined;
    const shared = this.definitions.meta(row.meta);
    const meta = shared.meta;
    row.meta = shared.text;
    const input = JSON.parse(row.input) as JsonValue;
    rememberText(input, row.input);
    const info: ExecutionInfo = {
      executionArn: row.arn, name: row.name, stateMachineArn: row.stateMachineArn, stateMachineName: meta.stateMachineName,
      roleArn: meta.roleArn, type: meta.type, accountId: this.accountId, region: this.region, startMs: row.startMs, input,
      redriveCount: row.redriveCount, testCase: meta.testCase,
    };
    const id = row.id!;
    const run = new ExecutionRun(info, definition.parsed, this.svc, row.snapshot, () => this.store.snapshotParts(id));
    // the snapshot lives in the run now; the row's copy is rewritten at each commit
    row.snapshot = null;
    return run;
  }
}

/** The outcome a stored row records. */
export function rowOutcome(row: ExecutionRow): ExecutionOutcome {
  if (row.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: JSON.parse(row.output ?? 'null') as JsonValue };
  return { status: row.status as 'FAILED', error: row.error ?? undefined, cause: row.cause ?? undefined };
}

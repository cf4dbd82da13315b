/**
 * The commit batcher: what the engine has changed since its last commit, and when and how it is
 * written. The interpreter marks executions dirty as it steps; the batcher commits every dirty
 * execution (snapshot, new events, tokens, definitions) in one transaction at the end of the
 * current event-loop turn. A task is invoked, or its token handed out, only once that commit is
 * written. Never in the middle of a turn on the interpreter's behalf: a frame may then sit between
 * an event it emitted and the phase change that goes with it, and a restart from that commit would
 * run the state again.
 *
 * Failure boundaries: an execution whose state cannot be serialized ends FAILED (States.Runtime)
 * on its own and the others are written. When the store refuses a commit as a whole (a full disk),
 * the batcher keeps the batch, pauses (holding the clock, so a virtual one does not jump past waits)
 * and retries on the wall clock until the store takes it; when it refuses one batch's content, it
 * isolates whose it is. Apart from the Engine facade so that this state machine of its own (dirty,
 * paused, stopped) is read in one place.
 */
import type { HistoryEvent } from '../history/events.ts';
import { RealScheduler, type Scheduler, type TimerHandle } from './clock.ts';
import type { ExecutionRun } from './interpreter.ts';
import type { MapRunRow } from '../store/map-runs.ts';
import {
  Store, StoreError, decodeChunk, encodeChunks, type CommitBatch, type ExecutionRow, type HistoryChunk, type TokenRow, ExecutionStatus,
} from '../store/sqlite.ts';

/** An execution a run holds: the run and the row its commits write. */
export interface ResidentExecution {
  run: ExecutionRun;
  row: ExecutionRow;
}

/** What the batcher needs of the engine that composes it. */
export interface CommitHost {
  readonly store: Store;
  readonly scheduler: Scheduler;
  /** the execution's resident run, if one holds it */
  resident(arn: string): ResidentExecution | undefined;
  /** a definition was written: executions sharing it need not write it again */
  definitionStored(hash: string): void;
  /** an execution no run holds was ended in the store: its waiters hear it now */
  endedInStore(row: ExecutionRow): void;
  /** a running execution was committed: it may rest at the next pass */
  committedRunning(arn: string): void;
  /** an execution's end was committed (it is durable now, whoever holds it) */
  committedEnd?(row: ExecutionRow): void;
  /** an end-of-turn commit went through */
  afterTurn(): void;
}

export class CommitBatcher {
  private readonly dirty = new Set<string>();
  private readonly pendingDefinitions = new Map<string, string>();
  /** task-token outcomes to write with the next commit */
  private pendingTokens: TokenRow[] = [];
  /** tokens handed out and tokens closed since the last commit */
  private pendingOpenTokens: { token: string; executionArn: string }[] = [];
  private pendingClosedTokens: string[] = [];
  /** rows (and their closing events) written for executions no run holds: stopped or failed in the store */
  private pendingRows: { row: ExecutionRow; events: HistoryEvent[] }[] = [];
  /** Map Runs that changed since the last commit, by ARN (the latest row wins) */
  private pendingMapRuns = new Map<string, MapRunRow>();
  private commitScheduled = false;
  /** halt(): nothing more is committed */
  private stopped = false;
  /** a batch the store refused: the next commit writes it first */
  private unwritten: CommitBatch | undefined;
  /** why the store refused the last commit; set while the engine is paused */
  private fault: StoreError | undefined;
  private retryTimer: TimerHandle | undefined;
  private readonly wallClock = new RealScheduler();
  /** held open while paused, so that a virtual clock does not jump past waits meanwhile */
  private releaseClock: (() => void) | undefined;
  private writtenWaiters: (() => void)[] = [];
  /** tasks waiting for the end-of-turn commit before they are invoked */
  private turnWaiters: (() => void)[] = [];
  /** runs whose state could not be serialized: they are written without a snapshot from then on */
  private readonly unsaveableRuns = new WeakSet<ExecutionRun>();

  private readonly host: CommitHost;
  /** how often a commit the store refused is tried again */
  private readonly commitRetryMs: number;
  /** called after each commit the store took, before anything waiting on it goes on */
  private readonly onCommit: (() => void) | undefined;

  constructor(host: CommitHost, commitRetryMs: number, onCommit?: () => void) {
    this.host = host;
    this.commitRetryMs = commitRetryMs;
    this.onCommit = onCommit;
  }

  /** The store's failure while paused; undefined while commits go through. */
  get storeFault(): StoreError | undefined {
    return this.fault;
  }

  markDirty(arn: string): void {
    this.dirty.add(arn);
    this.scheduleCommit();
  }

  isDirty(arn: string): boolean {
    return this.dirty.has(arn);
  }

  unsaveable(run: ExecutionRun): boolean {
    return this.unsaveableRuns.has(run);
  }

  /** A definition to write with the next commit. */
  definitionPending(hash: string, text: string): void {
    this.pendingDefinitions.set(hash, text);
  }

  tokenOpened(token: string, executionArn: string): void {
    this.pendingOpenTokens.push({ token, executionArn });
  }

  tokenClosed(token: string): void {
    this.pendingClosedTokens.push(token);
  }

  /** An execution no run holds, ended in the store: its row and closing events go with the next commit. */
  rowEnded(row: ExecutionRow, events: HistoryEvent[]): void {
    this.pendingRows.push({ row, events });
  }

  /** A Map Run started, ended or changed its limits: its row goes with the next commit. */
  mapRunChanged(row: MapRunRow): void {
    this.pendingMapRuns.set(row.arn, row);
    this.scheduleCommit();
  }

  /**
   * Writes a task token's outcome now. False when the store refused it: it is then taken out of
   * the batch kept for the retry (not acknowledged, so the caller sends it again).
   */
  writeToken(row: TokenRow): boolean {
    this.pendingTokens.push(row);
    if (this.flush()) return true;
    if (this.unwritten) this.unwritten.tokens = this.unwritten.tokens.filter((t) => t !== row);
    return false;
  }

  /** Forgets an execution whose start was not acknowledged: nothing of it is written. */
  forget(row: ExecutionRow): void {
    this.dirty.delete(row.arn);
    this.takeBack(row);
  }

  /** Takes a row, with its events and snapshot parts, out of the batch the store refused: its write was not acknowledged. */
  takeBack(row: ExecutionRow): void {
    const u = this.unwritten;
    if (!u) return;
    u.executions = u.executions.filter((e) => e !== row);
    const kept = (arn: string) => arn !== row.arn || u.executions.some((x) => x.arn === arn);
    u.events = u.events.filter((e) => kept(e.executionArn));
    u.snapshotParts = u.snapshotParts?.filter((p) => kept(p.executionArn));
  }

  /**
   * Resolves once the commit at the end of this turn has written what is pending (while paused,
   * once the store takes commits again; never, once stopped).
   */
  endOfTurnCommit(): Promise<void> {
    if (this.fault) return this.written();
    return new Promise<void>((resolve) => {
      this.turnWaiters.push(resolve);
      this.scheduleCommit();
    });
  }

  /** A commit at the end of this event-loop turn. */
  scheduleCommit(): void {
    // while paused, the retry timer and the next acknowledged call commit, not every step
    if (this.commitScheduled || this.stopped || this.fault) return;
    this.commitScheduled = true;
    const done = this.host.scheduler.beginWork();
    setImmediate(() => {
      this.commitScheduled = false;
      try {
        const waiters = this.turnWaiters.splice(0);
        if (this.flush()) {
          for (const w of waiters) w();
          this.host.afterTurn();
        } else this.writtenWaiters.push(...waiters);
      } finally {
        done();
      }
    });
  }

  /**
   * Commits what is pending, with any batch the store refused before. Returns false, and pauses,
   * when the store refuses it; never throws. Once stopped it writes nothing.
   */
  flush(): boolean {
    if (this.stopped) return true;
    let batch: CommitBatch;
    try {
      batch = this.collect();
    } catch (err) {
      // collect() isolates each execution: this is a defect outside any of them
      this.pause(err);
      return false;
    }
    if (this.unwritten) batch = mergeBatches(this.unwritten, batch);
    const writes = batch.executions.length > 0 || batch.tokens.length > 0 || batch.definitions.length > 0 || !!batch.openTokens?.length || !!batch.closedTokens?.length
      || !!batch.mapRuns?.length;
    if (writes) {
      try {
        this.host.store.commit(batch);
        this.afterWrite(batch);
      } catch (err) {
        if (!(err instanceof StoreError) || err.storeWide) {
          this.unwritten = batch;
          this.pause(err);
          return false;
        }
        // the store refused something in the batch: find whose it is, and write the others
        if (!this.isolate(batch)) return false;
      }
    }
    this.unwritten = undefined;
    if (this.fault) this.resume();
    if (writes) this.onCommit?.();
    return true;
  }

  /** Resolves once the store has taken what is pending (never, once stopped). */
  written(): Promise<void> {
    return new Promise<void>((resolve) => this.writtenWaiters.push(resolve));
  }

  /** Commits nothing more from now on, and lets go of the retry timer and the clock. */
  stop(): void {
    this.stopped = true;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.releaseClock?.();
    this.releaseClock = undefined;
  }

  /** After a commit: the definitions are stored, and the snapshot texts are the store's. */
  private afterWrite(batch: CommitBatch): void {
    for (const d of batch.definitions) this.host.definitionStored(d.hash);
    // the run holds the state itself
    for (const row of batch.executions) {
      row.snapshot = null;
      // an execution ended in the store (no run holds it): its waiters hear it now
      if (row.status !== ExecutionStatus.Running && !this.host.resident(row.arn)) this.host.endedInStore(row);
      if (row.status !== ExecutionStatus.Running) this.host.committedEnd?.(row);
    }
  }

  /**
   * Writes a batch the store refused, one execution per transaction: an execution whose own
   * write is refused fails (States.Runtime, with the store's reason) and is written without its
   * snapshot and without event details. False (and paused) when the store refuses writes as a
   * whole meanwhile; what is left waits for the retry.
   */
  private isolate(batch: CommitBatch): boolean {
    const parts: CommitBatch[] = [
      {
        executions: [], events: [], tokens: batch.tokens, definitions: batch.definitions, snapshotParts: [], openTokens: batch.openTokens,
        closedTokens: batch.closedTokens, mapRuns: batch.mapRuns,
      },
      ...batch.executions.map((row) => ({
        executions: [row],
        events: batch.events.filter((e) => e.executionArn === row.arn),
        tokens: [], definitions: [],
        snapshotParts: (batch.snapshotParts ?? []).filter((p) => p.executionArn === row.arn),
      })),
    ];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      try {
        this.host.store.commit(part);
        this.afterWrite(part);
      } catch (err) {
        if (i === 0 || !(err instanceof StoreError) || err.storeWide) {
          this.unwritten = parts.slice(i).reduce(mergeBatches);
          this.pause(err);
          return false;
        }
        this.refused(part, err);
      }
    }
    return true;
  }

  /** One execution's write was refused: it fails, and is written as little as it can be. */
  private refused(part: CommitBatch, err: StoreError): void {
    const row = part.executions[0];
    process.emitWarning(`Longhaul: execution ${row.arn} could not be saved: ${err.message}`);
    const events: HistoryEvent[] = [];
    for (const e of part.events) for (const c of e.chunks) decodeChunk(c.first, c.body, events);
    const r = this.host.resident(row.arn);
    if (r && r.row === row) {
      this.unsaveableRuns.add(r.run);
      r.run.crash(new Error(`The execution's state could not be saved: ${err.message}`));
      events.push(...r.run.takeEvents());
      this.applyOutcome(r);
    }
    row.snapshot = null;
    const bare = events.map((ev): HistoryEvent => (/^Execution(Failed|Aborted|TimedOut)$/.test(ev.type)
      ? ev
      : { id: ev.id, previousEventId: ev.previousEventId, timestamp: ev.timestamp, type: ev.type }));
    try {
      this.host.store.commit({ executions: [row], events: [{ executionArn: row.arn, chunks: encodeChunks(bare) }], tokens: [], definitions: [], snapshotParts: [] });
    } catch (again) {
      // the store refuses even that: the execution stays as its last commit left it (StopExecution ends it there)
      process.emitWarning(`Longhaul: execution ${row.arn} could not be saved even without its data: ${again instanceof Error ? again.message : String(again)}`);
    }
  }

  /** What the next commit writes: every dirty execution, each inside its own failure boundary. */
  private collect(): CommitBatch {
    const batch: CommitBatch = { executions: [], events: [], tokens: [], definitions: [], snapshotParts: [] };
    for (const arn of this.dirty) {
      const r = this.host.resident(arn);
      if (r) this.collectExecution(r, batch);
    }
    this.dirty.clear();
    for (const { row, events } of this.pendingRows.splice(0)) {
      batch.executions.push(row);
      batch.events.push({ executionArn: row.arn, chunks: encodeChunks(events) });
    }
    batch.definitions = [...this.pendingDefinitions].map(([hash, text]) => ({ hash, text }));
    this.pendingDefinitions.clear();
    batch.tokens = this.pendingTokens;
    this.pendingTokens = [];
    batch.openTokens = this.pendingOpenTokens;
    this.pendingOpenTokens = [];
    batch.closedTokens = this.pendingClosedTokens;
    this.pendingClosedTokens = [];
    batch.mapRuns = [...this.pendingMapRuns.values()];
    this.pendingMapRuns.clear();
    return batch;
  }

  /**
   * One execution's row, snapshot and new events. When they cannot be serialized (a value nested
   * too deep for JSON.stringify, a defect), the execution fails with States.Runtime and is written
   * as it can be: without a snapshot, and any event that cannot be encoded without its details.
   */
  private collectExecution(r: ResidentExecution, batch: CommitBatch): void {
    const events = r.run.takeEvents();
    let written: { snapshot: ReturnType<ExecutionRun['snapshot']>; chunks: HistoryChunk[] } | undefined;
    if (!this.unsaveableRuns.has(r.run)) {
      try {
        written = { snapshot: r.run.snapshot(), chunks: encodeChunks(events) };
        this.applyOutcome(r);
      } catch (err) {
        process.emitWarning(`Longhaul: execution ${r.row.arn} could not be saved: ${err instanceof Error ? err.stack : String(err)}`);
        this.unsaveableRuns.add(r.run);
        r.run.crash(new Error(`The execution's state could not be saved: ${err instanceof Error ? err.message : String(err)}`));
        events.push(...r.run.takeEvents());
        written = undefined;
      }
    }
    if (!written) {
      written = { snapshot: null, chunks: encodeEach(events) };
      this.applyOutcome(r);
    }
    const { row } = r;
    const snapshot = written.snapshot;
    row.snapshot = snapshot && snapshot.text;
    if (snapshot && (snapshot.parts.length > 0 || snapshot.dropped.length > 0)) {
      batch.snapshotParts!.push({ executionArn: row.arn, put: snapshot.parts, drop: snapshot.dropped });
    }
    batch.executions.push(row);
    if (written.chunks.length) batch.events.push({ executionArn: row.arn, chunks: written.chunks });
    if (!r.run.ended) this.host.committedRunning(row.arn);
  }

  /** Copies a run's outcome, once it has one, into its row. */
  private applyOutcome(r: ResidentExecution): void {
    const outcome = r.run.result;
    if (!outcome) return;
    const row = r.row;
    row.status = outcome.status as ExecutionRow['status'];
    row.stopMs = row.stopMs ?? this.host.scheduler.now();
    if (outcome.status === 'SUCCEEDED') {
      try {
        row.output = JSON.stringify(outcome.output);
      } catch {
        row.output = 'null';
      }
    } else {
      row.error = outcome.error ?? null;
      row.cause = outcome.cause ?? null;
    }
  }

  /** The store refused a commit: keep what is pending, let nothing more be seen, and retry. */
  private pause(err: unknown): void {
    const { store } = this.host;
    const fault = err instanceof StoreError ? err : new StoreError(`Cannot commit to the data store '${store.path}': ${err instanceof Error ? err.message : String(err)}`, 'ERROR', store.path, { cause: err });
    if (!this.fault) {
      process.emitWarning(`Longhaul: ${fault.message}. Executions are paused; the commit is retried every ${this.commitRetryMs} ms.`);
      this.releaseClock = this.host.scheduler.beginWork();
    }
    this.fault = fault;
    this.retryTimer ??= this.wallClock.setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, this.commitRetryMs);
  }

  /** The store took a commit again: what waited for it goes on. */
  private resume(): void {
    process.emitWarning(`Longhaul: the data store '${this.host.store.path}' takes commits again; executions continue.`);
    this.fault = undefined;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.releaseClock?.();
    this.releaseClock = undefined;
    for (const w of this.writtenWaiters.splice(0)) w();
    // steps taken while paused were not scheduled for a commit
    if (this.dirty.size > 0) this.scheduleCommit();
  }
}

/** `later` appended to `earlier`: a refused batch and what came after it, in order. */
function mergeBatches(earlier: CommitBatch, later: CommitBatch): CommitBatch {
  const executions = new Map<string, ExecutionRow>();
  for (const row of [...earlier.executions, ...later.executions]) {
    executions.delete(row.arn);
    executions.set(row.arn, row);
  }
  // an execution written without a snapshot has no parts either
  const parts = [...(earlier.snapshotParts ?? []), ...(later.snapshotParts ?? [])].filter((p) => executions.get(p.executionArn)?.snapshot != null);
  return {
    executions: [...executions.values()],
    events: [...earlier.events, ...later.events],
    tokens: [...earlier.tokens, ...later.tokens],
    definitions: [...earlier.definitions, ...later.definitions],
    snapshotParts: parts,
    openTokens: [...(earlier.openTokens ?? []), ...(later.openTokens ?? [])],
    closedTokens: [...(earlier.closedTokens ?? []), ...(later.closedTokens ?? [])],
    // a Map Run's later row wins
    mapRuns: [...new Map([...(earlier.mapRuns ?? []), ...(later.mapRuns ?? [])].map((r) => [r.arn, r])).values()],
  };
}

/** Encodes events one by one when they cannot be encoded together: one that cannot be loses its details, not its place. */
function encodeEach(events: HistoryEvent[]): HistoryChunk[] {
  try {
    return encodeChunks(events);
  } catch {
    return encodeChunks(events.map((ev) => {
      try {
        encodeChunks([ev]);
        return ev;
      } catch {
        return { id: ev.id, previousEventId: ev.previousEventId, timestamp: ev.timestamp, type: ev.type };
      }
    }));
  }
}

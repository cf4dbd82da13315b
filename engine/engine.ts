/**
 * The engine: state machines, executions, task tokens and the durable store, behind one object.
 * The API server, the CLI and the tests all drive executions through it.
 *
 * It composes the runtime's parts: the commit batcher (runtime/commits.ts) decides what is written
 * and when, and pauses while the store refuses commits; an API call that changes state commits at
 * once and answers 500 InternalFailure while the store refuses it. An execution whose stepping
 * throws ends FAILED (States.Runtime) on its own.
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from './json.ts';
import type { StateMachineDefinition } from './definition/types.ts';
import { ExecutionError } from './errors.ts';
import { ApiError } from './api-error.ts';
import { NAME, StateMachines, type StateMachineMeta } from './state-machines.ts';
import { rememberText, type HistoryEvent } from './history/events.ts';
import { RealScheduler, type Scheduler } from './runtime/clock.ts';
import { IntegrationRegistry, type TaskIntegration } from './runtime/integrations.ts';
import { ExecutionRun, MAX_HISTORY_EVENTS, type ExecutionInfo, type ExecutionOutcome, type InterpreterServices, type PendingTimer, type PendingWork } from './runtime/interpreter.ts';
import { Store, StoreError, definitionHash, type AliasRow, type ExecutionRow, type StateMachineRow, type VersionRow, ExecutionStatus } from './store/sqlite.ts';
import { DEFAULT_EVALUATION_LIMITS, type EvaluationLimits } from './query/jsonata/index.ts';
import { evaluationPacer } from './runtime/pacer.ts';
import { CommitBatcher } from './runtime/commits.ts';
import { DefinitionCache, type ExecutionMeta } from './runtime/definitions.ts';
import { Residency, rowOutcome } from './runtime/residency.ts';
import { TaskTokens } from './runtime/task-tokens.ts';
import { StateMachineVersions, type RoutingConfig } from './versions.ts';
import { Activities } from './activities.ts';
import { ACTIVITY_POLL_MS, ActivityDesk, ActivityIntegration, ActivityPolls } from './runtime/activities.ts';
import type { ItemSource, ResultSink } from './runtime/map-io.ts';
import type { MapRunRow, MapRunUpdate } from './runtime/map-runs.ts';
import { MapRunApi, mapRunMachineArn } from './runtime/map-run-api.ts';
import { StatusChanges } from './runtime/status-changes.ts';
import type { EngineOptions, ExecutionStateMachine, ExecutionStatusChange, StartExecutionRequest } from './engine-types.ts';

export type { ItemSource, ResultSink, ObjectSummary } from './runtime/map-io.ts';
export type { MapRunRow, MapRunUpdate } from './runtime/map-runs.ts';

export { ApiError } from './api-error.ts';
export type { StateMachineMeta } from './state-machines.ts';
export type { EngineOptions, ExecutionStateMachine, ExecutionStatusChange, StartExecutionRequest } from './engine-types.ts';

/**
 * @example
 * const engine = new Engine({ database: 'longhaul.db' });
 * const sm = engine.createStateMachine({ name: 'hello', definition: JSON.stringify(def), roleArn });
 * const { executionArn } = engine.startExecution({ stateMachineArn: sm.arn, input: '{}' });
 * const outcome = await engine.waitFor(executionArn);
 */
export class Engine {
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly integrations = new IntegrationRegistry();
  readonly accountId: string;
  readonly region: string;
  readonly evaluationLimits: EvaluationLimits;
  private readonly uuid: () => string;
  private readonly random: () => number;
  /** the definitions executions run, parsed once per hash */
  private readonly definitions: DefinitionCache;
  /** which executions are resident, which rest in the store, and the token index of the resident ones */
  private readonly residents: Residency;
  /** Distributed Maps' Map Runs and child executions as the API sees them */
  private readonly mapRuns: MapRunApi;
  /** SendTask* and the tokens' way to the store */
  private readonly taskTokens: TaskTokens;
  private closed = false;
  /** halt(): no execution takes another step and nothing more is committed */
  private halted = false;
  private readonly svc: InterpreterServices;
  private readonly stateMachines: StateMachines;
  /** versions and aliases of the state machines */
  readonly versions: StateMachineVersions;
  /** activities (CreateActivity...) */
  readonly activities: Activities;
  /** the GetActivityTask calls waiting for a task */
  private readonly activityPolls = new ActivityPolls();
  private readonly activityDesk: ActivityDesk;
  /** what is to be written, and when: the end-of-turn commits, their failures and retries */
  private readonly commits: CommitBatcher;
  private readonly quarantine: ReadonlySet<string>;
  private readonly statusChanges = new StatusChanges();

  constructor(opts: EngineOptions = {}) {
    this.store = new Store(opts.database ?? ':memory:');
    this.scheduler = opts.scheduler ?? new RealScheduler();
    this.uuid = opts.uuid ?? randomUUID;
    this.random = opts.random ?? Math.random;
    this.accountId = opts.accountId ?? '123456789012';
    this.region = opts.region ?? 'us-east-1';
    this.quarantine = new Set(opts.quarantine ?? []);
    this.evaluationLimits = { ...DEFAULT_EVALUATION_LIMITS, ...opts.evaluationLimits };
    this.stateMachines = new StateMachines({ store: this.store, scheduler: this.scheduler, region: this.region, accountId: this.accountId, uuid: () => this.uuid() });
    this.versions = new StateMachineVersions({ store: this.store, scheduler: this.scheduler, machines: this.stateMachines, random: () => this.random() });
    this.commits = new CommitBatcher({
      store: this.store,
      scheduler: this.scheduler,
      resident: (arn) => this.residents.running.get(arn),
      definitionStored: (hash) => this.definitions.stored(hash),
      endedInStore: (row) => this.residents.endedInStore(row),
      committedRunning: (arn) => this.residents.mayRest(arn),
      committedEnd: (row) => this.statusChanges.changed(row),
      afterTurn: () => this.residents.restQuiescent(),
    }, opts.commitRetryMs ?? 1000, opts.onCommit);
    this.definitions = new DefinitionCache(this.store, (hash, text) => this.commits.definitionPending(hash, text));
    this.activities = new Activities({ store: this.store, scheduler: this.scheduler, region: this.region, accountId: this.accountId });
    this.activityDesk = new ActivityDesk({
      store: this.store, polls: this.activityPolls, pollMs: opts.activityPollMs ?? ACTIVITY_POLL_MS,
      stopped: () => this.halted || this.closed,
      durable: () => this.durable(),
      started: (token, worker) => this.taskTokens.activityStarted(token, worker),
    });
    // the engine's own: integrations registered later are asked first, and none claims an activity ARN
    this.integrations.register(new ActivityIntegration({ store: this.store, scheduler: this.scheduler, polls: this.activityPolls }));
    for (const i of opts.integrations ?? []) this.integrations.register(i);
    this.svc = {
      scheduler: this.scheduler,
      integrations: this.integrations,
      uuid: () => this.uuid(),
      random: () => this.random(),
      evaluationBudget: { limits: this.evaluationLimits, pacer: evaluationPacer(this.scheduler) },
      markDirty: (run) => this.commits.markDirty(run.info.executionArn),
      commitNow: () => this.commits.endOfTurnCommit(),
      tokenIssued: (run, token) => this.taskTokens.issued(run.info.executionArn, token),
      tokenClosed: (token) => this.taskTokens.closed(token),
      storedTokenOutcome: (token) => this.taskTokens.storedOutcome(token),
      activityWorker: (token) => this.store.getActivityTask(token)?.workerName ?? undefined,
      itemSource: opts.itemSource,
      resultSink: opts.resultSink,
      mapRunChanged: (row) => this.commits.mapRunChanged(row),
      childExecutionEnded: (run, child) => this.mapRuns.childEnded(run, child),
      endedChildExecution: (arn) => this.mapRuns.endedChild(arn),
    };
    this.residents = new Residency({
      store: this.store, scheduler: this.scheduler, commits: this.commits, definitions: this.definitions, svc: this.svc,
      accountId: this.accountId, region: this.region, quarantine: this.quarantine, restAfterMs: opts.restAfterMs ?? 1000,
      stopped: () => this.closed || this.halted,
    });
    this.mapRuns = new MapRunApi({ store: this.store, scheduler: this.scheduler, commits: this.commits, residents: this.residents });
    this.taskTokens = new TaskTokens({
      store: this.store, commits: this.commits, residents: this.residents,
      assertRunning: () => this.assertRunning(), commit: () => this.commit(), unavailable: () => this.unavailable(),
    });
  }

  // ---- state machines (state-machines.ts)

  /**
   * CreateStateMachine. Idempotent as on AWS: the same name, definition, type, logging and
   * tracing configuration return the existing state machine (a different roleArn or tags are
   * ignored, and not applied); any other difference is StateMachineAlreadyExists.
   */
  createStateMachine(req: { name: string; definition: string; roleArn: string; type?: 'STANDARD' | 'EXPRESS'; arn?: string; meta?: StateMachineMeta }): StateMachineRow {
    return this.stateMachines.create(req);
  }

  /** Validates a definition text; throws ApiError('InvalidDefinition') as AWS does. */
  checkDefinition(text: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): StateMachineDefinition {
    return this.stateMachines.check(text, type);
  }

  getStateMachine(arn: string): StateMachineRow {
    return this.stateMachines.get(arn);
  }

  /** Every state machine, oldest first. */
  listStateMachines(): StateMachineRow[] {
    return this.stateMachines.list();
  }

  /** UpdateStateMachine: running executions keep the definition they started with. */
  updateStateMachine(arn: string, changes: { definition?: string; roleArn?: string; meta?: StateMachineMeta }): StateMachineRow {
    return this.stateMachines.update(arn, changes);
  }

  /** DeleteStateMachine: its executions run on and stay readable; an unknown ARN is no error, as on AWS. */
  deleteStateMachine(arn: string): void {
    this.stateMachines.delete(arn);
    this.store.deleteVersionsAndAliases(arn);
    this.definitions.forget(arn);
  }

  /** The descriptive fields a state machine row keeps in its meta column. */
  stateMachineMeta(sm: StateMachineRow): StateMachineMeta {
    return this.stateMachines.meta(sm);
  }

  /** TagResource: adds or overwrites tags on a state machine (at most 50 in all). */
  tagResource(arn: string, tags: Record<string, string>): void {
    if (isActivityArn(arn)) this.activities.tag(arn, tags);
    else this.stateMachines.tag(arn, tags);
  }

  /** UntagResource: removes tags by key; unknown keys are ignored. */
  untagResource(arn: string, keys: readonly string[]): void {
    if (isActivityArn(arn)) this.activities.untag(arn, keys);
    else this.stateMachines.untag(arn, keys);
  }

  listTagsForResource(arn: string): Record<string, string> {
    return isActivityArn(arn) ? this.activities.listTags(arn) : this.stateMachines.listTags(arn);
  }

  // ---- activity workers (runtime/activities.ts)

  /**
   * GetActivityTask: the oldest task of the activity that no worker has taken, handed to this one
   * (its execution records ActivityStarted with `workerName`); else a long poll that answers as
   * soon as a task is queued, or with none after `activityPollMs` (60 s), when `signal` aborts (the
   * client went away, the server stops) or when the engine halts. It waits on a timer, never
   * blocking the event loop.
   *
   * @example
   * const task = await engine.getActivityTask(activityArn, 'worker-1');
   * if (task) engine.sendTaskSuccess(task.taskToken, JSON.stringify(work(JSON.parse(task.input))));
   */
  getActivityTask(activityArn: string, workerName?: string, signal?: AbortSignal): Promise<{ taskToken: string; input: string } | undefined> {
    this.assertRunning();
    this.activities.get(activityArn);
    return this.activityDesk.take(activityArn, workerName ?? '', signal);
  }

  // ---- versions and aliases (versions.ts)

  /** PublishStateMachineVersion: idempotent for the machine's current revision. */
  publishStateMachineVersion(arn: string, req: { description?: string; revisionId?: string } = {}): VersionRow {
    return this.versions.publish(arn, req);
  }

  /** CreateStateMachineAlias: routes executions to one or two versions by weight. */
  createStateMachineAlias(req: { name: string; description?: string; routingConfiguration: RoutingConfig[] }): AliasRow {
    return this.versions.createAlias(req);
  }

  // ---- executions

  /** How many executions are resident (held as a live run), the others rest in the store. */
  residentCount(): number {
    return this.residents.size;
  }

  /** How many executions this engine loaded from the store (at resumeAll, when due, for a token, to stop them). */
  get loadedCount(): number {
    return this.residents.loadedCount;
  }

  /** Starts an execution; resolves its ARN once the start is committed. */
  startExecution(req: StartExecutionRequest): { executionArn: string; startDate: number } {
    this.assertRunning();
    // `arn...:stateMachine:Name#TestCase` runs the machine with Step Functions Local's mocked responses
    const hash = req.stateMachineArn.indexOf('#');
    const testCase = hash >= 0 ? req.stateMachineArn.slice(hash + 1) : undefined;
    const target = this.versions.startTarget(hash >= 0 ? req.stateMachineArn.slice(0, hash) : req.stateMachineArn);
    const sm = target.sm;
    const name = req.name ?? this.uuid();
    if (!NAME.test(name)) throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = req.input ?? '{}';
    let input: JsonValue;
    try {
      input = JSON.parse(inputText) as JsonValue;
    } catch {
      throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'Unexpected token in JSON'`);
    }
    rememberText(input, inputText);
    // an Express execution's ARN carries an id of its own: AWS does not keep Express names unique
    const executionArn = req.executionArn
      ?? (sm.type === 'EXPRESS' ? `${sm.arn.replace(':stateMachine:', ':express:')}:${name}:${this.uuid()}` : `${sm.arn.replace(':stateMachine:', ':execution:')}:${name}`);
    const existing = this.store.getExecution(executionArn) ?? this.residents.running.get(executionArn)?.row;
    if (existing) {
      if (existing.status === ExecutionStatus.Running && existing.input === inputText) return { executionArn, startDate: existing.startMs };
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const share = this.definitions.machineShare(sm);
    const shared = share.sm;
    const startMs = this.scheduler.now();
    const row: ExecutionRow = {
      arn: executionArn, stateMachineArn: shared.arn, name, status: ExecutionStatus.Running, definitionHash: share.hash, input: inputText,
      output: null, error: null, cause: null, startMs, stopMs: null, redriveCount: 0, redriveMs: null, snapshot: null,
      meta: testCase === undefined && target.stateMachineVersionArn === undefined ? share.meta : JSON.stringify({
        ...(JSON.parse(share.meta) as object), testCase, stateMachineVersionArn: target.stateMachineVersionArn, stateMachineAliasArn: target.stateMachineAliasArn,
      }),
    };
    const info: ExecutionInfo = {
      executionArn, name, stateMachineArn: shared.arn, stateMachineName: shared.name, roleArn: shared.roleArn, type: shared.type,
      accountId: this.accountId, region: this.region, startMs, input, redriveCount: 0, testCase,
    };
    const entry = this.residents.launch(new ExecutionRun(info, share.definition.parsed, this.svc), row);
    if (!this.commits.flush()) {
      // not acknowledged, so not started: a retried StartExecution must not find a second one later
      this.residents.discard(entry);
      throw this.unavailable();
    }
    this.statusChanges.changed(row);
    return { executionArn, startDate: startMs };
  }

  /**
   * Resumes every execution that was running when the engine last stopped, except those `skip`
   * or the `quarantine` option names: they stay RUNNING in the store, readable, and
   * StopExecution aborts them (after which RedriveExecution works as usual). An execution that
   * cannot be resumed (its saved state is damaged) ends FAILED with States.Runtime; the others
   * resume.
   *
   * @example
   * engine.resumeAll({ skip: ['arn:aws:states:us-east-1:123456789012:execution:etl:runaway'] });
   */
  resumeAll(opts: { skip?: Iterable<string> } = {}): number {
    const skip = new Set([...this.quarantine, ...(opts.skip ?? [])]);
    let n = 0;
    // executions that rest in the store stay there: the wake-up window loads them when due
    for (const row of this.store.activeExecutions()) {
      if (this.residents.running.has(row.arn) || skip.has(row.arn)) continue;
      // an active execution has no resting row to clear
      if (this.residents.load(row, undefined, false, true)) n++;
    }
    this.commits.flush();
    this.residents.wakeUps.refill();
    return n;
  }

  /**
   * Calls `listener` each time an execution starts (or is redriven) and each time it ends, once
   * the change is committed; returns the function that stops it. Listeners are called after the
   * call or commit that made the change has returned, so they may call the engine.
   *
   * @example
   * const off = engine.onExecutionStatusChange((c) => console.log(c.executionArn, c.status));
   */
  onExecutionStatusChange(listener: (change: ExecutionStatusChange) => void): () => void {
    return this.statusChanges.listen(listener);
  }

  /** Resolves when the execution ends (at once if it has). */
  async waitFor(executionArn: string): Promise<ExecutionOutcome> {
    const r = this.residents.running.get(executionArn);
    // a resident execution may rest before it ends, and a resting one ends in another run
    if (r || this.store.restingDue(executionArn)) return this.residents.ending(executionArn);
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return rowOutcome(row);
  }

  describeExecution(executionArn: string): ExecutionRow {
    // what the store could not take yet is not visible: the reader sees the last commit
    this.commits.flush();
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return row;
  }

  // ---- Map Runs (runtime/map-run-api.ts)

  /** DescribeMapRun: the store's row, with the live counts and limits while its execution runs. */
  describeMapRun(mapRunArn: string): MapRunRow {
    // the reader sees the last commit, as DescribeExecution does
    this.commits.flush();
    return this.mapRuns.describe(mapRunArn);
  }

  /** ListMapRuns: an execution's Map Runs, oldest first. */
  listMapRuns(executionArn: string): MapRunRow[] {
    this.describeExecution(executionArn);
    return this.store.mapRuns.list(executionArn);
  }

  /** UpdateMapRun: new limits for a running Map Run, in force from its next child on. */
  updateMapRun(mapRunArn: string, update: MapRunUpdate): void {
    this.assertRunning();
    this.commits.flush();
    this.mapRuns.update(mapRunArn, update);
  }

  /** A Map Run's child executions (ListExecutions with mapRunArn), newest first. */
  listMapRunExecutions(mapRunArn: string, filter: { status?: string }): ExecutionRow[] {
    this.describeMapRun(mapRunArn);
    return this.mapRuns.children(mapRunArn, this.listExecutions({ stateMachineArn: mapRunMachineArn(mapRunArn), status: filter.status }));
  }

  history(executionArn: string): HistoryEvent[] {
    this.describeExecution(executionArn);
    return this.store.events(executionArn);
  }

  /** Executions, newest first (by start, then ARN), filtered; `after` is the last row of the page before. */
  listExecutions(filter: { stateMachineArn?: string; status?: string; limit?: number; after?: { startMs: number; arn: string } }): ExecutionRow[] {
    this.commits.flush();
    return this.store.listExecutions(filter);
  }

  /** The state machine an execution runs, as it ran it: the definition and role it started with. */
  describeStateMachineForExecution(executionArn: string): ExecutionStateMachine {
    const row = this.describeExecution(executionArn);
    const meta = JSON.parse(row.meta) as ExecutionMeta;
    const sm = this.store.getStateMachine(row.stateMachineArn);
    const current = sm !== undefined && definitionHash(sm.definition) === row.definitionHash;
    return {
      stateMachineArn: row.stateMachineArn,
      name: meta.stateMachineName,
      definition: this.store.getDefinition(row.definitionHash) ?? '',
      roleArn: meta.roleArn,
      type: meta.type,
      updatedMs: current ? sm.updatedMs : row.startMs,
      meta: sm ? this.stateMachineMeta(sm) : {},
    };
  }

  /**
   * StopExecution. An execution no run holds (quarantined, or left RUNNING by a run that could
   * not go on) is ended in the store: ExecutionAborted, status ABORTED.
   */
  stopExecution(executionArn: string, error?: string, cause?: string): void {
    this.assertRunning();
    const row = this.describeExecution(executionArn);
    if (row.status !== ExecutionStatus.Running) throw new ApiError('ExecutionNotRunning', `Execution Not Running: '${executionArn}'`);
    this.durable();
    const resting = this.residents.restingRun(executionArn);
    const r = this.residents.running.get(executionArn) ?? (resting && this.residents.load(resting.row, resting.run));
    if (r) {
      // the stop request is durable before the caller hears back; the execution then ends ABORTED
      r.run.stop(error, cause);
      if (!this.commits.flush()) throw this.unavailable();
      return;
    }
    this.residents.endStored(row, ExecutionStatus.Aborted, error, cause);
    if (!this.commits.flush()) {
      this.commits.takeBack(row);
      throw this.unavailable();
    }
  }

  // ---- what an execution waits on (Longhaul's own, for the console; AWS has no such API)

  /**
   * The timers (Wait states, retry back-off) an execution is asleep on and the task tokens it waits
   * for; empty when it is not running.
   *
   * @example
   * const { tokens } = engine.pendingWork(executionArn);
   * engine.sendTaskSuccess(tokens[0].taskToken, '{}');
   */
  pendingWork(executionArn: string): PendingWork {
    this.describeExecution(executionArn);
    return this.residents.pendingWork(executionArn);
  }

  /**
   * Fires an execution's pending Wait-state and retry timers now (all, or the one `timerId` names
   * from pendingWork), as if their time had come. Only on a real-time scheduler: a virtual clock
   * already jumps to the next timer whenever nothing else can run. The skip is committed before
   * this returns, so a restart does not wait again, and the original timer never fires.
   *
   * @example
   * const fired = engine.skipTimers(executionArn);
   */
  skipTimers(executionArn: string, timerId?: string): PendingTimer[] {
    this.assertRunning();
    const row = this.describeExecution(executionArn);
    if (this.scheduler.virtual) {
      throw new ApiError('ValidationException', 'The engine runs on a virtual clock, which skips every wait by itself: there is no wait to skip');
    }
    this.durable();
    const fired = this.residents.skipTimers(row, timerId);
    if (fired.length > 0) this.commit();
    return fired;
  }

  // ---- task tokens (runtime/task-tokens.ts)

  /** SendTaskSuccess: `output` is JSON text; the task's execution, resident or resting, goes on with it. */
  sendTaskSuccess(token: string, output: string): void {
    this.taskTokens.succeed(token, output);
  }

  /** SendTaskFailure: the task fails with `error` and `cause`, as its Retry and Catch decide. */
  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.taskTokens.fail(token, error, cause);
  }

  /** SendTaskHeartbeat: the task's heartbeat deadline starts again. */
  sendTaskHeartbeat(token: string): void {
    this.taskTokens.heartbeat(token);
  }

  // ---- commits

  /**
   * Writes every dirty execution in one transaction. Throws ApiError 500 (InternalFailure, with
   * the store's reason) when the store refuses it; the engine keeps the batch and retries it.
   */
  commit(): void {
    if (this.closed || this.halted) return;
    if (!this.commits.flush()) throw this.unavailable();
  }

  /**
   * The store's failure while the engine is paused (a full disk, a read-only file); undefined
   * while commits go through.
   */
  get storeFault(): StoreError | undefined {
    return this.commits.storeFault;
  }

  /** Commits what is pending, or throws the store's failure: a change is answered only once what came before it is durable. */
  private durable(): void {
    if (!this.commits.flush()) throw this.unavailable();
  }

  private unavailable(): ApiError {
    return new ApiError('InternalFailure', `The change could not be saved: ${this.commits.storeFault?.message ?? 'the data store refused the commit'}`, 500);
  }

  private assertRunning(): void {
    if (this.halted) throw new ApiError('ServiceUnavailable', 'The engine is stopping: it takes no new work', 503);
  }

  /**
   * RedriveExecution: continues a FAILED, TIMED_OUT or ABORTED Standard execution from the states
   * that did not succeed, with the same ARN, input and definition; only failed or aborted Map
   * iterations and Parallel branches run again.
   *
   * @example
   * const { redriveDate } = engine.redriveExecution(executionArn);
   */
  redriveExecution(executionArn: string): { redriveDate: number } {
    this.assertRunning();
    this.durable();
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const type = (JSON.parse(row.meta) as ExecutionMeta).type;
    const redrivable: string[] = [ExecutionStatus.Failed, ExecutionStatus.TimedOut, ExecutionStatus.Aborted];
    if (type === 'EXPRESS') throw new ApiError('ExecutionNotRedrivable', `Execution is of type EXPRESS and cannot be redriven: '${executionArn}'`);
    if (!redrivable.includes(row.status) || this.residents.running.has(executionArn)) {
      throw new ApiError('ExecutionNotRedrivable', `Execution is ${row.status} and cannot be redriven: '${executionArn}'`);
    }
    // a redrive appends events: an execution the history limit ended has no room for them (DescribeExecution's
    // redriveStatusReason "Execution history event limit exceeded", and the console's rule)
    if (this.store.eventCount(executionArn) >= MAX_HISTORY_EVENTS) {
      throw new ApiError('ExecutionNotRedrivable', `Execution history event limit exceeded: '${executionArn}'`);
    }
    const now = this.scheduler.now();
    row.redriveCount += 1;
    const run = this.residents.rehydrate(row);
    if (!run) throw new ApiError('ExecutionNotRedrivable', `Execution has no state to redrive from: '${executionArn}'`);
    run.prepareRedrive();
    Object.assign(row, { status: ExecutionStatus.Running, redriveMs: now, stopMs: null, output: null, error: null, cause: null });
    const entry = this.residents.launch(run, row);
    if (!this.commits.flush()) {
      this.residents.discard(entry);
      throw this.unavailable();
    }
    this.statusChanges.changed(row);
    return { redriveDate: now };
  }

  /**
   * Stops the engine without recording anything the stop itself causes: what is pending is
   * committed, then every execution freezes at that commit. No execution takes another step;
   * completions that arrive afterwards (a task failing because its runtime closes, a timer, a
   * token) are ignored, and nothing more is written. On the next start, resumeAll() continues
   * them from that commit, as after SIGKILL: a task that was in flight runs again
   * (at-least-once). Call it before closing the runtimes that run tasks; close() calls it too.
   * Calls that would change state answer ServiceUnavailable from then on; reads still work.
   *
   * @example
   * engine.halt();
   * await lambdaRuntime.close(); // the tasks it fails are not recorded
   * engine.close();
   */
  halt(): void {
    if (this.halted || this.closed) return;
    this.commits.flush();
    this.halted = true;
    this.commits.stop();
    for (const r of this.residents.running.values()) r.run.halt();
    this.residents.wakeUps.stop();
    this.activityPolls.stop();
  }

  /** Halts (see halt()) and closes the store; running executions stay resumable. */
  close(): void {
    if (this.closed) return;
    this.halt();
    this.closed = true;
    this.store.close();
  }
}

export { ExecutionError };

function isActivityArn(arn: string): boolean {
  return /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(arn);
}

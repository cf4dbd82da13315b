/**
 * The engine: state machines, executions, task tokens and the durable store, behind one object.
 * The API server, the CLI and the tests all drive executions through it.
 *
 * Commits: the interpreter marks executions dirty as it steps; the engine commits every dirty
 * execution (snapshot, new events, tokens) in one transaction at the end of the current event-loop
 * turn. A task is invoked, or its token handed out, only once that commit is written; an API call
 * that changes state commits at once. Never in the middle of a turn on the interpreter's behalf:
 * a frame may then sit between an event it emitted and the phase change that goes with it (a state
 * exited, its frame not yet moved on), and a restart from that commit would run the state again.
 *
 * Failure boundaries: an execution whose state cannot be serialized, or whose stepping throws,
 * ends FAILED (States.Runtime) on its own; the commit writes the others. When the store refuses a
 * commit (a full disk), the engine keeps the batch, pauses (tasks wait for their commit, API calls
 * that change state answer 500 InternalFailure) and retries until the store takes it.
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from './json.ts';
import type { StateMachineDefinition } from './definition/types.ts';
import { ExecutionError, InvalidDefinition } from './errors.ts';
import { detailsKey, rememberText, type HistoryEvent } from './history/events.ts';
import { RealScheduler, type Scheduler, type TimerHandle } from './runtime/clock.ts';
import { WakeUps } from './runtime/wake-ups.ts';
import { IntegrationRegistry, type TaskIntegration } from './runtime/integrations.ts';
import { ExecutionRun, MAX_HISTORY_EVENTS, type ExecutionInfo, type ExecutionOutcome, type InterpreterServices, type PendingTimer, type PendingWork } from './runtime/interpreter.ts';
import {
  Store, StoreError, decodeChunk, definitionHash, encodeChunks, type CommitBatch, type ExecutionRow, type HistoryChunk, type SnapshotParts, type StateMachineRow,
  type TokenRow, ExecutionStatus,
} from './store/sqlite.ts';
import { validateDefinition, parseDefinitionText } from './definition/validate.ts';
import { DEFAULT_EVALUATION_LIMITS, type EvaluationLimits } from './query/jsonata/index.ts';
import { evaluationPacer } from './runtime/pacer.ts';

export interface EngineOptions {
  /** SQLite file, or ':memory:' */
  database?: string;
  scheduler?: Scheduler;
  integrations?: TaskIntegration[];
  uuid?: () => string;
  random?: () => number;
  accountId?: string;
  region?: string;
  /** executions resumeAll() leaves alone: they stay RUNNING in the store, readable and stoppable */
  quarantine?: readonly string[];
  /** how often a commit the store refused is tried again (default 1000 ms) */
  commitRetryMs?: number;
  /** How much work one JSONata expression may do; unset fields take {@link DEFAULT_EVALUATION_LIMITS}. */
  evaluationLimits?: Partial<EvaluationLimits>;
  /**
   * Called after each commit the store took, before anything waiting on it goes on: the crash
   * test halts the engine here to stop it at every commit point in turn.
   */
  onCommit?: () => void;
  /**
   * an execution whose every frame waits rests in the store (is not resident) when its next
   * wake-up is at least this far ahead on the engine's clock, or only a token can wake it (default 1000 ms)
   */
  restAfterMs?: number;
}


/** An API-level error in AWS's shape: `__type` is the name, `message` the text. */
export class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
  }
}

export interface StartExecutionRequest {
  stateMachineArn: string;
  name?: string;
  /** JSON text, as the API carries it */
  input?: string;
  /** an execution ARN to use (EXPRESS executions carry their own id) */
  executionArn?: string;
}

interface RunningExecution {
  run: ExecutionRun;
  row: ExecutionRow;
  done: Promise<ExecutionOutcome>;
}

/** A definition as executions run it, parsed once per hash and shared: executions never change it. */
interface SharedDefinition {
  parsed: StateMachineDefinition;
  /** written to the store (else it waits in pendingDefinitions) */
  stored: boolean;
}

/** What every execution of a state machine's current definition shares. */
interface MachineShare {
  sm: StateMachineRow;
  hash: string;
  meta: string;
  definition: SharedDefinition;
}

/** What a state machine row keeps in its meta column: the API's descriptive fields. */
export interface StateMachineMeta {
  tags?: Record<string, string>;
  loggingConfiguration?: JsonValue;
  tracingConfiguration?: JsonValue;
}

/** DescribeStateMachineForExecution: the machine as an execution runs it. */
export interface ExecutionStateMachine {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  /** when this definition became the machine's (the execution's start once it was replaced) */
  updatedMs: number;
  meta: StateMachineMeta;
}

type ExecutionMeta = { roleArn: string; type: 'STANDARD' | 'EXPRESS'; stateMachineName: string; testCase?: string };

const NAME = /^[A-Za-z0-9_\-.~!$&'()*+,;=:@]{1,80}$/;

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
  private readonly running = new Map<string, RunningExecution>();
  private readonly dirty = new Set<string>();
  private readonly tokens = new Map<string, string>();
  private readonly pendingDefinitions = new Map<string, string>();
  /** task-token outcomes to write with the next commit */
  private pendingTokens: TokenRow[] = [];
  private readonly definitions = new Map<string, SharedDefinition>();
  private readonly machines = new Map<string, MachineShare>();
  private readonly metas = new Map<string, { text: string; meta: ExecutionMeta }>();
  private commitScheduled = false;
  private closed = false;
  /** halt(): no execution takes another step and nothing more is committed */
  private halted = false;
  private readonly svc: InterpreterServices;
  private readonly quarantine: ReadonlySet<string>;
  /** rows (and their closing events) written for executions no run holds: stopped or failed in the store */
  private pendingRows: { row: ExecutionRow; events: HistoryEvent[] }[] = [];
  /** a batch the store refused: the next commit writes it first */
  private unwritten: CommitBatch | undefined;
  /** why the store refused the last commit; set while the engine is paused */
  private fault: StoreError | undefined;
  private retryTimer: TimerHandle | undefined;
  private readonly commitRetryMs: number;
  private readonly onCommit: (() => void) | undefined;
  private readonly wallClock = new RealScheduler();
  /** held open while paused, so that a virtual clock does not jump past waits meanwhile */
  private releaseClock: (() => void) | undefined;
  private writtenWaiters: (() => void)[] = [];
  /** tasks waiting for the end-of-turn commit before they are invoked */
  private turnWaiters: (() => void)[] = [];
  /** runs whose state could not be serialized: they are written without a snapshot from then on */
  private readonly unsaveable = new WeakSet<ExecutionRun>();
  /** tokens handed out and tokens closed since the last commit */
  private pendingOpenTokens: { token: string; executionArn: string }[] = [];
  private pendingClosedTokens: string[] = [];
  /** executions committed since the last rest pass: each may rest now */
  private readonly restCandidates = new Set<string>();
  private readonly restAfterMs: number;
  /** waitFor() callers of executions that may rest meanwhile */
  private readonly endWaiters = new Map<string, { promise: Promise<ExecutionOutcome>; resolve: (o: ExecutionOutcome) => void }>();
  /** the wake-ups of resting executions due soon */
  private readonly wakeUps: WakeUps;
  private loads = 0;

  constructor(opts: EngineOptions = {}) {
    this.store = new Store(opts.database ?? ':memory:');
    this.scheduler = opts.scheduler ?? new RealScheduler();
    this.uuid = opts.uuid ?? randomUUID;
    this.random = opts.random ?? Math.random;
    this.accountId = opts.accountId ?? '123456789012';
    this.region = opts.region ?? 'us-east-1';
    this.quarantine = new Set(opts.quarantine ?? []);
    this.commitRetryMs = opts.commitRetryMs ?? 1000;
    this.evaluationLimits = { ...DEFAULT_EVALUATION_LIMITS, ...opts.evaluationLimits };
    this.onCommit = opts.onCommit;
    this.restAfterMs = opts.restAfterMs ?? 1000;
    this.wakeUps = new WakeUps(this.scheduler, this.store, (arns, now) => this.loadDue(arns, now), (arn) => this.quarantine.has(arn));
    for (const i of opts.integrations ?? []) this.integrations.register(i);
    this.svc = {
      scheduler: this.scheduler,
      integrations: this.integrations,
      uuid: () => this.uuid(),
      random: () => this.random(),
      evaluationBudget: { limits: this.evaluationLimits, pacer: evaluationPacer(this.scheduler) },
      markDirty: (run) => this.markDirty(run.info.executionArn),
      commitNow: () => this.endOfTurnCommit(),
      tokenIssued: (run, token) => {
        this.tokens.set(token, run.info.executionArn);
        // the store knows whose token it is: SendTask* finds an execution that rests
        this.pendingOpenTokens.push({ token, executionArn: run.info.executionArn });
      },
      tokenClosed: (token) => {
        this.tokens.delete(token);
        this.pendingClosedTokens.push(token);
      },
      storedTokenOutcome: (token) => {
        const row = this.store.getToken(token);
        return row?.outcome ? (JSON.parse(row.outcome) as { output: JsonValue } | { error: string; cause?: string }) : undefined;
      },
    };
  }

  // ---- state machines

  /**
   * CreateStateMachine. Idempotent as on AWS: the same name, definition, type, logging and
   * tracing configuration return the existing state machine (a different roleArn or tags are
   * ignored, and not applied); any other difference is StateMachineAlreadyExists.
   */
  createStateMachine(req: { name: string; definition: string; roleArn: string; type?: 'STANDARD' | 'EXPRESS'; arn?: string; meta?: StateMachineMeta }): StateMachineRow {
    if (!NAME.test(req.name)) throw new ApiError('InvalidName', `Invalid Name: '${req.name}'`);
    const type = req.type ?? 'STANDARD';
    this.checkDefinition(req.definition, type);
    const arn = req.arn ?? `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${req.name}`;
    const existing = this.store.getStateMachine(arn);
    if (existing) {
      const was = this.stateMachineMeta(existing);
      const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      if (existing.definition !== req.definition || existing.type !== type
        || !same(was.loggingConfiguration, req.meta?.loggingConfiguration) || !same(was.tracingConfiguration, req.meta?.tracingConfiguration)) {
        throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      return existing;
    }
    const now = this.scheduler.now();
    const row: StateMachineRow = {
      arn, name: req.name, definition: req.definition, roleArn: req.roleArn, type, createdMs: now, updatedMs: now, meta: JSON.stringify(req.meta ?? {}),
    };
    this.write(() => this.store.putStateMachine(row));
    return row;
  }

  /** Validates a definition text; throws ApiError('InvalidDefinition') as AWS does. */
  checkDefinition(text: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): StateMachineDefinition {
    try {
      const def = parseDefinitionText(text);
      validateDefinition(def, { type });
      return def as StateMachineDefinition;
    } catch (e) {
      if (e instanceof InvalidDefinition) throw new ApiError('InvalidDefinition', e.message);
      throw e;
    }
  }

  getStateMachine(arn: string): StateMachineRow {
    const sm = this.store.getStateMachine(arn);
    if (!sm) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  /** Every state machine, oldest first. */
  listStateMachines(): StateMachineRow[] {
    return this.store.listStateMachines();
  }

  /**
   * UpdateStateMachine: a new definition (validated for the machine's type), role or configuration.
   * Running executions keep the definition they started with.
   */
  updateStateMachine(arn: string, changes: { definition?: string; roleArn?: string; meta?: StateMachineMeta }): StateMachineRow {
    const sm = this.getStateMachine(arn);
    if (changes.definition !== undefined) this.checkDefinition(changes.definition, sm.type);
    const row: StateMachineRow = {
      ...sm,
      definition: changes.definition ?? sm.definition,
      roleArn: changes.roleArn ?? sm.roleArn,
      meta: changes.meta ? JSON.stringify({ ...this.stateMachineMeta(sm), ...changes.meta }) : sm.meta,
      updatedMs: this.scheduler.now(),
    };
    this.write(() => this.store.putStateMachine(row));
    return row;
  }

  /** DeleteStateMachine: forgets the machine; its executions run on and stay readable. Deleting an unknown ARN is no error, as on AWS. */
  deleteStateMachine(arn: string): void {
    this.write(() => this.store.deleteStateMachine(arn));
    this.machines.delete(arn);
  }

  /** The descriptive fields a state machine row keeps in its meta column. */
  stateMachineMeta(sm: StateMachineRow): StateMachineMeta {
    return JSON.parse(sm.meta || '{}') as StateMachineMeta;
  }

  /** TagResource: adds or overwrites tags on a state machine (at most 50 in all). */
  tagResource(arn: string, tags: Record<string, string>): void {
    const sm = this.taggable(arn);
    const meta = this.stateMachineMeta(sm);
    const all = { ...meta.tags, ...tags };
    if (Object.keys(all).length > 50) throw new ApiError('TooManyTags', `Too many tags: a resource can have at most 50 tags: '${arn}'`);
    this.write(() => this.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...meta, tags: all }) }));
  }

  /** UntagResource: removes tags by key; unknown keys are ignored. */
  untagResource(arn: string, keys: readonly string[]): void {
    const sm = this.taggable(arn);
    const meta = this.stateMachineMeta(sm);
    const tags = { ...meta.tags };
    for (const k of keys) delete tags[k];
    this.write(() => this.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...meta, tags }) }));
  }

  listTagsForResource(arn: string): Record<string, string> {
    return this.stateMachineMeta(this.taggable(arn)).tags ?? {};
  }

  private taggable(arn: string): StateMachineRow {
    const sm = this.store.getStateMachine(arn);
    if (!sm) throw new ApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    return sm;
  }

  // ---- executions

  /** Starts an execution; resolves its ARN once the start is committed. */
  startExecution(req: StartExecutionRequest): { executionArn: string; startDate: number } {
    this.assertRunning();
    // `arn...:stateMachine:Name#TestCase` runs the machine with Step Functions Local's mocked responses
    const hash = req.stateMachineArn.indexOf('#');
    const testCase = hash >= 0 ? req.stateMachineArn.slice(hash + 1) : undefined;
    const sm = this.getStateMachine(hash >= 0 ? req.stateMachineArn.slice(0, hash) : req.stateMachineArn);
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
    const existing = this.store.getExecution(executionArn) ?? this.running.get(executionArn)?.row;
    if (existing) {
      if (existing.status === ExecutionStatus.Running && existing.input === inputText) return { executionArn, startDate: existing.startMs };
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const share = this.machineShare(sm);
    const shared = share.sm;
    const startMs = this.scheduler.now();
    const row: ExecutionRow = {
      arn: executionArn, stateMachineArn: shared.arn, name, status: ExecutionStatus.Running, definitionHash: share.hash, input: inputText,
      output: null, error: null, cause: null, startMs, stopMs: null, redriveCount: 0, redriveMs: null, snapshot: null,
      meta: testCase === undefined ? share.meta : JSON.stringify({ ...(JSON.parse(share.meta) as object), testCase }),
    };
    const info: ExecutionInfo = {
      executionArn, name, stateMachineArn: shared.arn, stateMachineName: shared.name, roleArn: shared.roleArn, type: shared.type,
      accountId: this.accountId, region: this.region, startMs, input, redriveCount: 0, testCase,
    };
    const entry = this.launch(new ExecutionRun(info, share.definition.parsed, this.svc), row);
    if (!this.flush()) {
      // not acknowledged, so not started: a retried StartExecution must not find a second one later
      this.discard(entry);
      throw this.unavailable();
    }
    return { executionArn, startDate: startMs };
  }

  /** The strings, hash and parsed definition every execution of `sm` as it is now can share. */
  private machineShare(sm: StateMachineRow): MachineShare {
    const known = this.machines.get(sm.arn);
    if (known && known.sm.definition === sm.definition && known.sm.roleArn === sm.roleArn && known.sm.type === sm.type && known.sm.name === sm.name) {
      const d = known.definition;
      if (!d.stored) this.pendingDefinitions.set(known.hash, known.sm.definition);
      return known;
    }
    const hash = definitionHash(sm.definition);
    const meta = JSON.stringify({ roleArn: sm.roleArn, type: sm.type, stateMachineName: sm.name });
    const share: MachineShare = { sm, hash, meta, definition: this.sharedDefinition(hash, sm.definition, false) };
    this.machines.set(sm.arn, share);
    this.metas.set(meta, { text: meta, meta: { roleArn: sm.roleArn, type: sm.type, stateMachineName: sm.name } });
    return share;
  }

  private sharedDefinition(hash: string, text: string, stored: boolean): SharedDefinition {
    let d = this.definitions.get(hash);
    if (!d) {
      d = { parsed: JSON.parse(text) as StateMachineDefinition, stored };
      this.definitions.set(hash, d);
    }
    if (!d.stored) this.pendingDefinitions.set(hash, text);
    return d;
  }

  private launch(run: ExecutionRun, row: ExecutionRow, resumed = false): RunningExecution {
    const entry = { run, row } as RunningExecution;
    this.running.set(row.arn, entry);
    // a resumed execution is as committed; it marks itself dirty once it moves
    if (!resumed) this.markDirty(row.arn);
    // run() never rejects (a defect fails the execution); the end counts once it is written
    entry.done = run.run().then((outcome) => {
      const ended = () => {
        if (this.running.get(row.arn) === entry) this.running.delete(row.arn);
        this.endWaiters.get(row.arn)?.resolve(outcome);
        this.endWaiters.delete(row.arn);
        return outcome;
      };
      return this.flush() ? ended() : this.written().then(ended);
    });
    entry.done.catch((err: unknown) => process.emitWarning(`Longhaul: execution ${row.arn}: ${err instanceof Error ? err.stack : String(err)}`));
    return entry;
  }

  /** Forgets an execution whose start was not acknowledged: it never ran, as far as anyone knows. */
  private discard(entry: RunningExecution): void {
    const arn = entry.row.arn;
    entry.run.halt();
    if (this.running.get(arn) === entry) this.running.delete(arn);
    this.dirty.delete(arn);
    this.takeBack(entry.row);
  }

  /** Takes a row, with its events and snapshot parts, out of the batch the store refused: its write was not acknowledged. */
  private takeBack(row: ExecutionRow): void {
    const u = this.unwritten;
    if (!u) return;
    u.executions = u.executions.filter((e) => e !== row);
    const kept = (arn: string) => arn !== row.arn || u.executions.some((x) => x.arn === arn);
    u.events = u.events.filter((e) => kept(e.executionArn));
    u.snapshotParts = u.snapshotParts?.filter((p) => kept(p.executionArn));
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
      if (this.running.has(row.arn) || skip.has(row.arn)) continue;
      // an active execution has no resting row to clear
      if (this.load(row, undefined, false, true)) n++;
    }
    this.flush();
    this.wakeUps.refill();
    return n;
  }

  /**
   * Loads a RUNNING execution from its committed snapshot, as a restart does, and starts it
   * (`started`: already dirty, so that its next commit carries a change made to it). An execution
   * that cannot be loaded ends FAILED with States.Runtime.
   */
  private load(row: ExecutionRow, run?: ExecutionRun, started = false, unrested = false): RunningExecution | undefined {
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
    this.scheduleCommit();
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

  /** A RUNNING execution that rests in the store, loaded from its snapshot without being started. */
  private restingRun(executionArn: string): { row: ExecutionRow; run: ExecutionRun } | undefined {
    if (this.running.has(executionArn) || this.quarantine.has(executionArn)) return undefined;
    if (!this.store.restingDue(executionArn)) return undefined;
    const row = this.store.getExecution(executionArn);
    if (!row || row.status !== ExecutionStatus.Running) return undefined;
    const run = this.rehydrate(row);
    return run && { row, run };
  }

  /** How many executions are resident (held as a live run), the others rest in the store. */
  residentCount(): number {
    return this.running.size;
  }

  /** How many executions this engine loaded from the store (at resumeAll, when due, for a token, to stop them). */
  get loadedCount(): number {
    return this.loads;
  }

  // ---- resting executions

  /**
   * Lets every committed execution whose frames all wait rest in the store: its snapshot is
   * committed; this records its earliest wake-up in `timers`, cancels its timers and drops the run.
   */
  private restQuiescent(): void {
    if (this.closed || this.halted || this.fault || this.restCandidates.size === 0) return;
    const now = this.scheduler.now();
    const resting: { r: RunningExecution; dueMs: number | null }[] = [];
    for (const arn of this.restCandidates) {
      const r = this.running.get(arn);
      if (!r || this.dirty.has(arn) || r.row.id === undefined || this.unsaveable.has(r.run)) continue;
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
    if (this.closed || this.halted) return;
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
  private endStored(row: ExecutionRow, status: typeof ExecutionStatus.Aborted | typeof ExecutionStatus.Failed, error?: string, cause?: string): void {
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
    this.pendingRows.push({ row, events: [event] });
  }

  /** Resolves when the execution ends (at once if it has). */
  async waitFor(executionArn: string): Promise<ExecutionOutcome> {
    const r = this.running.get(executionArn);
    // a resident execution may rest before it ends, and a resting one ends in another run
    if (r || this.store.restingDue(executionArn)) return this.ending(executionArn);
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return rowOutcome(row);
  }

  private ending(executionArn: string): Promise<ExecutionOutcome> {
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

  describeExecution(executionArn: string): ExecutionRow {
    // what the store could not take yet is not visible: the reader sees the last commit
    this.flush();
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return row;
  }

  history(executionArn: string): HistoryEvent[] {
    this.describeExecution(executionArn);
    return this.store.events(executionArn);
  }

  /** Executions, newest first (by start, then ARN), filtered; `after` is the last row of the page before. */
  listExecutions(filter: { stateMachineArn?: string; status?: string; limit?: number; after?: { startMs: number; arn: string } }): ExecutionRow[] {
    this.flush();
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
    const resting = this.restingRun(executionArn);
    const r = this.running.get(executionArn) ?? (resting && this.load(resting.row, resting.run));
    if (r) {
      // the stop request is durable before the caller hears back; the execution then ends ABORTED
      r.run.stop(error, cause);
      if (!this.flush()) throw this.unavailable();
      return;
    }
    this.endStored(row, ExecutionStatus.Aborted, error, cause);
    if (!this.flush()) {
      this.takeBack(row);
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
    const r = this.running.get(executionArn);
    if (r) return r.run.pendingWork();
    // a resting execution's snapshot says what it waits on
    return this.restingRun(executionArn)?.run.pendingWork(true) ?? { timers: [], tokens: [] };
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
    const r = this.running.get(executionArn);
    const resting = r || row.status !== ExecutionStatus.Running ? undefined : this.restingRun(executionArn);
    if (row.status !== ExecutionStatus.Running || !(r || resting)) throw new ApiError('ExecutionNotRunning', `Execution Not Running: '${executionArn}'`);
    this.durable();
    if (resting) {
      const fired = resting.run.skipStoredTimers(timerId);
      if (timerId !== undefined && fired.length === 0) throw new ApiError('ResourceNotFound', `No pending timer '${timerId}' in '${executionArn}'`);
      // its new due times are in the snapshot the next commit writes; it runs on from there
      if (fired.length > 0) {
        this.load(resting.row, resting.run, true);
        this.commit();
      }
      return fired;
    }
    const fired = r!.run.skipTimers(timerId);
    if (timerId !== undefined && fired.length === 0) throw new ApiError('ResourceNotFound', `No pending timer '${timerId}' in '${executionArn}'`);
    this.commit();
    return fired;
  }

  // ---- task tokens

  sendTaskSuccess(token: string, output: string): void {
    let value: JsonValue;
    try {
      value = JSON.parse(output) as JsonValue;
    } catch {
      throw new ApiError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    rememberText(value, output);
    this.settle(token, { output: value });
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.settle(token, { error: error ?? '', cause });
  }

  sendTaskHeartbeat(token: string): void {
    this.assertRunning();
    const found = this.runForToken(token);
    if ('run' in found) {
      // a run just loaded has not reached its task again: the new deadline waits in its frame
      if (!found.run.heartbeat(token) && found.run.heartbeatStored(token)) this.markDirty(found.run.info.executionArn);
      return;
    }
    // a resting execution: the new deadline goes into its snapshot, and it rests again with it
    if (!found.resting.run.heartbeatStored(token)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
    this.load(found.resting.row, found.resting.run, true);
    this.commit();
  }

  /**
   * The execution waiting on `token`, resident or resting in the store: InvalidToken when it is
   * not one the engine could have issued, TaskDoesNotExist when no running task waits on it.
   */
  private runForToken(token: string): { run: ExecutionRun } | { resting: { row: ExecutionRow; run: ExecutionRun } } {
    if (!/^[A-Za-z0-9-]{10,1024}$/.test(token)) throw new ApiError('InvalidToken', `Invalid Token: '${token}'`);
    const arn = this.tokens.get(token);
    const r = arn ? this.running.get(arn) : undefined;
    if (r) return { run: r.run };
    const stored = this.store.getToken(token);
    const resting = stored?.status === 'OPEN' ? this.restingRun(stored.executionArn) : undefined;
    if (!resting || !resting.run.awaitsToken(token)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
    return { resting };
  }

  private settle(token: string, outcome: { output: JsonValue } | { error: string; cause?: string }): void {
    this.assertRunning();
    const found = this.runForToken(token);
    const run = 'run' in found ? found.run : found.resting.run;
    // the outcome is durable before the caller hears back: a restart right after still delivers it
    const row: TokenRow = { token, executionArn: run.info.executionArn, status: 'DONE', outcome: JSON.stringify(outcome), heartbeatMs: null };
    this.pendingTokens.push(row);
    if (!this.flush()) {
      // not acknowledged: the caller sends it again
      if (this.unwritten) this.unwritten.tokens = this.unwritten.tokens.filter((t) => t !== row);
      throw this.unavailable();
    }
    // a resting execution, once loaded, finds the stored outcome where its task waits
    if (!('run' in found)) this.load(found.resting.row, found.resting.run);
    // a run just loaded has not reached its task again: it finds the stored outcome when it does
    else if (!run.settleToken(token, outcome) && !run.awaitsToken(token)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
  }

  // ---- commits

  private markDirty(arn: string): void {
    this.dirty.add(arn);
    this.scheduleCommit();
  }

  /**
   * Resolves once the commit at the end of this turn has written what is pending (while the
   * engine is paused, once the store takes commits again; never, once it has halted).
   */
  private endOfTurnCommit(): Promise<void> {
    if (this.fault) return this.written();
    return new Promise<void>((resolve) => {
      this.turnWaiters.push(resolve);
      this.scheduleCommit();
    });
  }

  /** A commit at the end of this event-loop turn. */
  private scheduleCommit(): void {
    // while paused, the retry timer and the next acknowledged call commit, not every step
    if (this.commitScheduled || this.closed || this.halted || this.fault) return;
    this.commitScheduled = true;
    const done = this.scheduler.beginWork();
    setImmediate(() => {
      this.commitScheduled = false;
      try {
        const waiters = this.turnWaiters.splice(0);
        if (this.flush()) {
          for (const w of waiters) w();
          this.restQuiescent();
        } else this.writtenWaiters.push(...waiters);
      } finally {
        done();
      }
    });
  }

  /**
   * Writes every dirty execution in one transaction. Throws ApiError 500 (InternalFailure, with
   * the store's reason) when the store refuses it; the engine keeps the batch and retries it.
   */
  commit(): void {
    if (this.closed || this.halted) return;
    if (!this.flush()) throw this.unavailable();
  }

  /**
   * The store's failure while the engine is paused (a full disk, a read-only file); undefined
   * while commits go through.
   */
  get storeFault(): StoreError | undefined {
    return this.fault;
  }

  /**
   * Commits what is pending, with any batch the store refused before. Returns false, and pauses
   * the engine, when the store refuses it; never throws. After halt() it writes nothing.
   */
  private flush(): boolean {
    if (this.closed || this.halted) return true;
    let batch: CommitBatch;
    try {
      batch = this.collect();
    } catch (err) {
      // collect() isolates each execution: this is a defect outside any of them
      this.pause(err);
      return false;
    }
    if (this.unwritten) batch = mergeBatches(this.unwritten, batch);
    const writes = batch.executions.length > 0 || batch.tokens.length > 0 || batch.definitions.length > 0 || !!batch.openTokens?.length || !!batch.closedTokens?.length;
    if (writes) {
      try {
        this.store.commit(batch);
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

  /** After a commit: the definitions are stored, and the snapshot texts are the store's. */
  private afterWrite(batch: CommitBatch): void {
    for (const d of batch.definitions) {
      const shared = this.definitions.get(d.hash);
      if (shared) shared.stored = true;
    }
    // the run holds the state itself
    for (const row of batch.executions) {
      row.snapshot = null;
      // an execution ended in the store (no run holds it): its waiters hear it now
      if (row.status !== ExecutionStatus.Running && !this.running.has(row.arn)) {
        this.endWaiters.get(row.arn)?.resolve(rowOutcome(row));
        this.endWaiters.delete(row.arn);
      }
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
      { executions: [], events: [], tokens: batch.tokens, definitions: batch.definitions, snapshotParts: [], openTokens: batch.openTokens, closedTokens: batch.closedTokens },
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
        this.store.commit(part);
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
    const r = this.running.get(row.arn);
    if (r && r.row === row) {
      this.unsaveable.add(r.run);
      r.run.crash(new Error(`The execution's state could not be saved: ${err.message}`));
      events.push(...r.run.takeEvents());
      this.applyOutcome(r);
    }
    row.snapshot = null;
    const bare = events.map((ev): HistoryEvent => (/^Execution(Failed|Aborted|TimedOut)$/.test(ev.type)
      ? ev
      : { id: ev.id, previousEventId: ev.previousEventId, timestamp: ev.timestamp, type: ev.type }));
    try {
      this.store.commit({ executions: [row], events: [{ executionArn: row.arn, chunks: encodeChunks(bare) }], tokens: [], definitions: [], snapshotParts: [] });
    } catch (again) {
      // the store refuses even that: the execution stays as its last commit left it (StopExecution ends it there)
      process.emitWarning(`Longhaul: execution ${row.arn} could not be saved even without its data: ${again instanceof Error ? again.message : String(again)}`);
    }
  }

  /** What the next commit writes: every dirty execution, each inside its own failure boundary. */
  private collect(): CommitBatch {
    const batch: CommitBatch = { executions: [], events: [], tokens: [], definitions: [], snapshotParts: [] };
    for (const arn of this.dirty) {
      const r = this.running.get(arn);
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
    return batch;
  }

  /**
   * One execution's row, snapshot and new events. When they cannot be serialized (a value nested
   * too deep for JSON.stringify, a defect), the execution fails with States.Runtime and is written
   * as it can be: without a snapshot, and any event that cannot be encoded without its details.
   */
  private collectExecution(r: RunningExecution, batch: CommitBatch): void {
    const events = r.run.takeEvents();
    let written: { snapshot: ReturnType<ExecutionRun['snapshot']>; chunks: HistoryChunk[] } | undefined;
    if (!this.unsaveable.has(r.run)) {
      try {
        written = { snapshot: r.run.snapshot(), chunks: encodeChunks(events) };
        this.applyOutcome(r);
      } catch (err) {
        process.emitWarning(`Longhaul: execution ${r.row.arn} could not be saved: ${err instanceof Error ? err.stack : String(err)}`);
        this.unsaveable.add(r.run);
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
    if (!r.run.ended) this.restCandidates.add(row.arn);
  }

  /** Copies a run's outcome, once it has one, into its row. */
  private applyOutcome(r: RunningExecution): void {
    const outcome = r.run.result;
    if (!outcome) return;
    const row = r.row;
    row.status = outcome.status as ExecutionRow['status'];
    row.stopMs = row.stopMs ?? this.scheduler.now();
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
    const fault = err instanceof StoreError ? err : new StoreError(`Cannot commit to the data store '${this.store.path}': ${err instanceof Error ? err.message : String(err)}`, 'ERROR', this.store.path, { cause: err });
    if (!this.fault) {
      process.emitWarning(`Longhaul: ${fault.message}. Executions are paused; the commit is retried every ${this.commitRetryMs} ms.`);
      this.releaseClock = this.scheduler.beginWork();
    }
    this.fault = fault;
    this.retryTimer ??= this.wallClock.setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, this.commitRetryMs);
  }

  /** The store took a commit again: what waited for it goes on. */
  private resume(): void {
    process.emitWarning(`Longhaul: the data store '${this.store.path}' takes commits again; executions continue.`);
    this.fault = undefined;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.releaseClock?.();
    this.releaseClock = undefined;
    for (const w of this.writtenWaiters.splice(0)) w();
    // steps taken while paused were not scheduled for a commit
    if (this.dirty.size > 0) this.scheduleCommit();
  }

  /** Resolves once the store has taken what is pending (never, once the engine has halted). */
  private written(): Promise<void> {
    return new Promise<void>((resolve) => this.writtenWaiters.push(resolve));
  }

  /** Commits what is pending, or throws the store's failure: a change is answered only once what came before it is durable. */
  private durable(): void {
    if (!this.flush()) throw this.unavailable();
  }

  private unavailable(): ApiError {
    return new ApiError('InternalFailure', `The change could not be saved: ${this.fault?.message ?? 'the data store refused the commit'}`, 500);
  }

  /** A direct store write (state machines, tags), its failure as an API error. */
  private write(run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof StoreError) throw new ApiError('InternalFailure', `The change could not be saved: ${err.message}`, 500);
      throw err;
    }
  }

  private assertRunning(): void {
    if (this.halted) throw new ApiError('ServiceUnavailable', 'The engine is stopping: it takes no new work', 503);
  }

  /** An ExecutionRun from a stored row and its snapshot (a running one, or a failed one to redrive). */
  private rehydrate(row: ExecutionRow): ExecutionRun | undefined {
    if (!row.snapshot) return undefined;
    let definition = this.definitions.get(row.definitionHash);
    if (!definition) {
      const text = this.store.getDefinition(row.definitionHash);
      if (!text) return undefined;
      definition = this.sharedDefinition(row.definitionHash, text, true);
    }
    let shared = this.metas.get(row.meta);
    if (!shared) {
      shared = { text: row.meta, meta: JSON.parse(row.meta) as ExecutionMeta };
      this.metas.set(row.meta, shared);
    }
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
    if (!redrivable.includes(row.status) || this.running.has(executionArn)) {
      throw new ApiError('ExecutionNotRedrivable', `Execution is ${row.status} and cannot be redriven: '${executionArn}'`);
    }
    // a redrive appends events: an execution the history limit ended has no room for them (DescribeExecution's
    // redriveStatusReason "Execution history event limit exceeded", and the console's rule)
    if (this.store.eventCount(executionArn) >= MAX_HISTORY_EVENTS) {
      throw new ApiError('ExecutionNotRedrivable', `Execution history event limit exceeded: '${executionArn}'`);
    }
    const now = this.scheduler.now();
    row.redriveCount += 1;
    const run = this.rehydrate(row);
    if (!run) throw new ApiError('ExecutionNotRedrivable', `Execution has no state to redrive from: '${executionArn}'`);
    run.prepareRedrive();
    Object.assign(row, { status: ExecutionStatus.Running, redriveMs: now, stopMs: null, output: null, error: null, cause: null });
    const entry = this.launch(run, row);
    if (!this.flush()) {
      this.discard(entry);
      throw this.unavailable();
    }
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
    this.flush();
    this.halted = true;
    for (const r of this.running.values()) r.run.halt();
    this.wakeUps.stop();
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.releaseClock?.();
    this.releaseClock = undefined;
  }

  /** Halts (see halt()) and closes the store; running executions stay resumable. */
  close(): void {
    if (this.closed) return;
    this.halt();
    this.closed = true;
    this.store.close();
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

function rowOutcome(row: ExecutionRow): ExecutionOutcome {
  if (row.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: JSON.parse(row.output ?? 'null') as JsonValue };
  return { status: row.status as 'FAILED', error: row.error ?? undefined, cause: row.cause ?? undefined };
}

export { ExecutionError };

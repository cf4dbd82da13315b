/**
 * The engine: state machines, executions, task tokens and the durable store, behind one object.
 * The API server, the CLI and the tests all drive executions through it.
 *
 * Commits: the interpreter marks executions dirty as it steps; the engine commits every dirty
 * execution (snapshot, new events, tokens) in one transaction at the end of the current event-loop
 * turn, and at once before anything outside the engine may see a step (a task invocation, a
 * token handed out, an execution's end reported).
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from './json.ts';
import type { StateMachineDefinition } from './definition/types.ts';
import { ExecutionError, InvalidDefinition } from './errors.ts';
import { rememberText, type HistoryEvent } from './history/events.ts';
import { RealScheduler, type Scheduler } from './runtime/clock.ts';
import { IntegrationRegistry, type TaskIntegration } from './runtime/integrations.ts';
import { ExecutionRun, type ExecutionInfo, type ExecutionOutcome, type InterpreterServices, type PendingTimer, type PendingWork } from './runtime/interpreter.ts';
import { Store, definitionHash, type ExecutionRow, type SnapshotParts, type StateMachineRow, type TokenRow, ExecutionStatus } from './store/sqlite.ts';
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
  /** How much work one JSONata expression may do; unset fields take {@link DEFAULT_EVALUATION_LIMITS}. */
  evaluationLimits?: Partial<EvaluationLimits>;
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
  private readonly svc: InterpreterServices;

  constructor(opts: EngineOptions = {}) {
    this.store = new Store(opts.database ?? ':memory:');
    this.scheduler = opts.scheduler ?? new RealScheduler();
    this.uuid = opts.uuid ?? randomUUID;
    this.random = opts.random ?? Math.random;
    this.accountId = opts.accountId ?? '123456789012';
    this.region = opts.region ?? 'us-east-1';
    this.evaluationLimits = { ...DEFAULT_EVALUATION_LIMITS, ...opts.evaluationLimits };
    for (const i of opts.integrations ?? []) this.integrations.register(i);
    this.svc = {
      scheduler: this.scheduler,
      integrations: this.integrations,
      uuid: () => this.uuid(),
      random: () => this.random(),
      evaluationBudget: { limits: this.evaluationLimits, pacer: evaluationPacer(this.scheduler) },
      markDirty: (run) => this.markDirty(run.info.executionArn),
      commitNow: () => this.commit(),
      tokenIssued: (run, token) => this.tokens.set(token, run.info.executionArn),
      tokenClosed: (token) => this.tokens.delete(token),
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
    this.store.putStateMachine(row);
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
    this.store.putStateMachine(row);
    return row;
  }

  /** DeleteStateMachine: forgets the machine; its executions run on and stay readable. Deleting an unknown ARN is no error, as on AWS. */
  deleteStateMachine(arn: string): void {
    this.store.deleteStateMachine(arn);
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
    this.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...meta, tags: all }) });
  }

  /** UntagResource: removes tags by key; unknown keys are ignored. */
  untagResource(arn: string, keys: readonly string[]): void {
    const sm = this.taggable(arn);
    const meta = this.stateMachineMeta(sm);
    const tags = { ...meta.tags };
    for (const k of keys) delete tags[k];
    this.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...meta, tags }) });
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
    this.launch(new ExecutionRun(info, share.definition.parsed, this.svc), row);
    this.commit();
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
    entry.done = run.run().then(
      (outcome) => {
        this.commit();
        this.running.delete(row.arn);
        return outcome;
      },
      (err: unknown) => {
        // an engine defect: end the execution visibly instead of leaving it running forever
        process.emitWarning(`execution ${row.arn} crashed: ${err instanceof Error ? err.stack : String(err)}`);
        run.stop('States.Runtime', err instanceof Error ? err.message : String(err));
        this.commit();
        this.running.delete(row.arn);
        return { status: 'FAILED', error: 'States.Runtime', cause: String(err) } as ExecutionOutcome;
      },
    );
    return entry;
  }

  /** Resumes every execution that was running when the engine last stopped. */
  resumeAll(): number {
    let n = 0;
    for (const row of this.store.runningExecutions()) {
      if (this.running.has(row.arn) || !row.snapshot) continue;
      const run = this.rehydrate(row);
      if (!run) continue;
      this.launch(run, row, true);
      n++;
    }
    // tokens of resumed executions: the snapshot holds them; re-register for SendTask* lookups
    return n;
  }

  /** Resolves when the execution ends (at once if it has). */
  async waitFor(executionArn: string): Promise<ExecutionOutcome> {
    const r = this.running.get(executionArn);
    if (r) return r.done;
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return rowOutcome(row);
  }

  describeExecution(executionArn: string): ExecutionRow {
    this.commit();
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
    this.commit();
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

  stopExecution(executionArn: string, error?: string, cause?: string): void {
    const row = this.describeExecution(executionArn);
    if (row.status !== ExecutionStatus.Running) throw new ApiError('ExecutionNotRunning', `Execution Not Running: '${executionArn}'`);
    this.running.get(executionArn)?.run.stop(error, cause);
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
    return this.running.get(executionArn)?.run.pendingWork() ?? { timers: [], tokens: [] };
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
    const row = this.describeExecution(executionArn);
    if (this.scheduler.virtual) {
      throw new ApiError('ValidationException', 'The engine runs on a virtual clock, which skips every wait by itself: there is no wait to skip');
    }
    const r = this.running.get(executionArn);
    if (row.status !== ExecutionStatus.Running || !r) throw new ApiError('ExecutionNotRunning', `Execution Not Running: '${executionArn}'`);
    const fired = r.run.skipTimers(timerId);
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
    const run = this.runForToken(token);
    run.heartbeat(token);
  }

  /** The execution waiting on `token`: InvalidToken when it is not one the engine could have issued. */
  private runForToken(token: string): ExecutionRun {
    if (!/^[A-Za-z0-9-]{10,1024}$/.test(token)) throw new ApiError('InvalidToken', `Invalid Token: '${token}'`);
    const arn = this.tokens.get(token);
    const r = arn ? this.running.get(arn) : undefined;
    if (!r) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
    return r.run;
  }

  private settle(token: string, outcome: { output: JsonValue } | { error: string; cause?: string }): void {
    const run = this.runForToken(token);
    // the outcome is durable before the caller hears back: a restart right after still delivers it
    this.pendingTokens.push({ token, executionArn: run.info.executionArn, status: 'DONE', outcome: JSON.stringify(outcome), heartbeatMs: null });
    this.commit();
    if (!run.settleToken(token, outcome)) throw new ApiError('TaskDoesNotExist', 'Task Timed Out or Does Not Exist');
  }

  // ---- commits

  private markDirty(arn: string): void {
    this.dirty.add(arn);
    if (this.commitScheduled || this.closed) return;
    this.commitScheduled = true;
    const done = this.scheduler.beginWork();
    setImmediate(() => {
      this.commitScheduled = false;
      try {
        this.commit();
      } finally {
        done();
      }
    });
  }

  /** Writes every dirty execution in one transaction. */
  commit(): void {
    if (this.closed || (this.dirty.size === 0 && this.pendingDefinitions.size === 0 && this.pendingTokens.length === 0)) return;
    const executions: ExecutionRow[] = [];
    const events: { executionArn: string; events: HistoryEvent[] }[] = [];
    const snapshotParts: SnapshotParts[] = [];
    for (const arn of this.dirty) {
      const r = this.running.get(arn);
      if (!r) continue;
      const row = r.row;
      const outcome = r.run.result;
      const snapshot = r.run.snapshot();
      row.snapshot = snapshot && snapshot.text;
      if (snapshot && (snapshot.parts.length > 0 || snapshot.dropped.length > 0)) {
        snapshotParts.push({ executionArn: arn, put: snapshot.parts, drop: snapshot.dropped });
      }
      if (outcome) {
        row.status = outcome.status as ExecutionRow['status'];
        row.stopMs = row.stopMs ?? this.scheduler.now();
        if (outcome.status === 'SUCCEEDED') row.output = JSON.stringify(outcome.output);
        else {
          row.error = outcome.error ?? null;
          row.cause = outcome.cause ?? null;
        }
      }
      executions.push(row);
      const ev = r.run.takeEvents();
      if (ev.length) events.push({ executionArn: arn, events: ev });
    }
    const definitions = [...this.pendingDefinitions].map(([hash, text]) => ({ hash, text }));
    this.dirty.clear();
    this.pendingDefinitions.clear();
    const tokens = this.pendingTokens;
    this.pendingTokens = [];
    this.store.commit({ executions, events, tokens, definitions, snapshotParts });
    for (const d of definitions) {
      const shared = this.definitions.get(d.hash);
      if (shared) shared.stored = true;
    }
    // the snapshot text is the store's now; the run holds the state itself
    for (const row of executions) row.snapshot = null;
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
    this.commit();
    const row = this.store.getExecution(executionArn);
    if (!row) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    const type = (JSON.parse(row.meta) as ExecutionMeta).type;
    const redrivable: string[] = [ExecutionStatus.Failed, ExecutionStatus.TimedOut, ExecutionStatus.Aborted];
    if (type === 'EXPRESS') throw new ApiError('ExecutionNotRedrivable', `Execution is of type EXPRESS and cannot be redriven: '${executionArn}'`);
    if (!redrivable.includes(row.status) || this.running.has(executionArn)) {
      throw new ApiError('ExecutionNotRedrivable', `Execution is ${row.status} and cannot be redriven: '${executionArn}'`);
    }
    const now = this.scheduler.now();
    row.redriveCount += 1;
    const run = this.rehydrate(row);
    if (!run) throw new ApiError('ExecutionNotRedrivable', `Execution has no state to redrive from: '${executionArn}'`);
    run.prepareRedrive();
    Object.assign(row, { status: ExecutionStatus.Running, redriveMs: now, stopMs: null, output: null, error: null, cause: null });
    this.launch(run, row);
    this.commit();
    return { redriveDate: now };
  }

  /** Commits and closes the store; running executions stay resumable. */
  close(): void {
    this.commit();
    this.closed = true;
    this.store.close();
  }
}

function rowOutcome(row: ExecutionRow): ExecutionOutcome {
  if (row.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: JSON.parse(row.output ?? 'null') as JsonValue };
  return { status: row.status as 'FAILED', error: row.error ?? undefined, cause: row.cause ?? undefined };
}

export { ExecutionError };

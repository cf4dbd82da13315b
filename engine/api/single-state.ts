/**
 * TestState: one state evaluated through the engine's own state handlers (engine/states/), the
 * same `evaluateState`, `completeState`, `recover` and `caught` the runner uses, with no execution
 * around it: no machine, no store, no history.
 *
 * The state gets a real StateContext: its query language, the request's variables, the request's
 * `context` as `$$` (else a plausible one: a TestState execution that started now), ids and random
 * numbers from node:crypto, `now` from the engine's scheduler, and the engine's JSONata budget.
 * What the handler asks for is answered as TestState answers it, never as a run would:
 * - next / end: SUCCEEDED with the output and the next state;
 * - scheduleTimer (a Wait): SUCCEEDED at once, as TestState does not wait;
 * - invoke (a Task): the mock's result or error, else the engine's integration (at most five
 *   minutes, or the task's TimeoutSeconds), then the handler's `complete`;
 * - fanOut (a Map or Parallel, which must be mocked): the mock in place of the branches or
 *   iterations, then the handler's `complete`;
 * - fail: the Retry/Catch decision for `retrierRetryCount` retries made: RETRIABLE with the
 *   back-off (TestState never retries), CAUGHT_ERROR with the catcher's output, else FAILED.
 *
 * `inspectionData` (DEBUG, TRACE) is computed with the dataflow steps on the same context; the
 * ids and random numbers the state drew are replayed to them, so a template that draws shows what
 * the state saw. A task's parameters and result are the ones it was called with and answered.
 *
 * Caveats: a single state is validated as the one state of a machine holding it (its errors name
 * `/States/TestState/...`); JSONata and Runtime error causes say the state was entered at event #2,
 * as an execution's first state is; a JitterStrategy FULL back-off is answered without jitter (its
 * upper bound); the request's `context` is taken as it is, neither checked against AWS's rules for
 * it nor refused without a mock; mocked results are not validated against the service's API model;
 * the five minutes bound only a real task's call, and expressions are bound by the JSONata budget
 * alone (the context's AbortSignal is never aborted); a mocked Map or Parallel still evaluates its
 * own input fields (ItemsPath, MaxConcurrency, ...) before the mock stands in for its work;
 * `inspectionData` has no HTTP request and response details (TRACE shows what DEBUG shows), and
 * for a Map or Parallel it shows no item or branch data.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { ApiError, type Engine } from '../engine.ts';
import type { JsonObject, JsonValue } from '../json.ts';
import type { QueryLanguage, State, TaskState } from '../definition/types.ts';
import { ExecutionError, InvalidDefinition, RuntimeError, TaskTimeout, asExecutionError, stateErrorCause } from '../errors.ts';
import { payloadText } from '../history/events.ts';
import { parseDefinitionText } from '../definition/validate.ts';
import { IntegrationPattern, parseResourceArn } from '../definition/resource-arn.ts';
import { TaskFailure } from '../runtime/integrations.ts';
import { evaluationPacer } from '../runtime/pacer.ts';
import type { EvaluationBudget } from '../query/jsonata/index.ts';
import { applyInputPath, applyResultPath, applyTemplate, isStatesError, payloadSizeError, type DataflowContext, type StatesError } from '../dataflow/index.ts';
import { caught, completeState, evaluateState, recover, type CompletingState, type Outcome, type StateContext } from '../states/index.ts';
import { validationError } from './protocol.ts';

export const InspectionLevel = { Info: 'INFO', Debug: 'DEBUG', Trace: 'TRACE' } as const;
export type InspectionLevel = (typeof InspectionLevel)[keyof typeof InspectionLevel];

export const TestStatus = { Succeeded: 'SUCCEEDED', Failed: 'FAILED', Retriable: 'RETRIABLE', CaughtError: 'CAUGHT_ERROR' } as const;
export type TestStatus = (typeof TestStatus)[keyof typeof TestStatus];

export interface SingleStateRequest {
  /** the state's JSON text, or a whole state machine's when `stateName` is given */
  definition: string;
  stateName?: string;
  /** JSON text */
  input: string;
  variables?: JsonObject;
  /** the context object (`$$`, `$states.context`) the state sees; a TestState one when absent */
  context?: JsonObject;
  /** the role the state runs under: the default context's `Execution.RoleArn` */
  roleArn?: string;
  inspectionLevel: InspectionLevel;
  mock?: { result?: JsonValue; errorOutput?: { error: string; cause?: string } };
  /** how many retries have already happened, for the retrier that matches */
  retrierRetryCount?: number;
}

export interface SingleStateResult {
  status: TestStatus;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: Record<string, unknown>;
}

/** The name a state given alone runs under. */
const DEFAULT_NAME = 'TestState';
/** The state machine a default context names. */
const MACHINE_NAME = 'test-state';
/** The state is the first an execution enters: its StateEntered event would be the second. */
const ENTERED_EVENT_ID = 2;
const FIVE_MINUTES_MS = 5 * 60 * 1000;

type Mock = NonNullable<SingleStateRequest['mock']>;
/** A state's error, and whether its task raised it (States.TaskFailed matches only those). */
type Failure = { error: StatesError; fromTask: boolean };
/** What the state came to before Retry and Catch: it moved on (or ended), or it failed. */
type Settled = { kind: 'exit'; output: JsonValue; next: string | undefined; assigned: JsonObject | null } | { kind: 'fail'; failure: Failure };

/**
 * Runs one state as TestState does.
 *
 * @example
 * const r = await runSingleState(engine, { definition: '{"Type":"Pass","Result":1,"End":true}', input: '{}', inspectionLevel: 'INFO' });
 * // { status: 'SUCCEEDED', output: '1' }
 */
export async function runSingleState(engine: Engine, req: SingleStateRequest): Promise<SingleStateResult> {
  const { name, state, queryLanguage } = stateUnderTest(engine, req);
  const type = state.Type;
  const mock = req.mock;
  if (mock && type !== 'Task' && type !== 'Map' && type !== 'Parallel') throw validationError(`A mock can only be specified for a Task, Map or Parallel state; '${name}' is a ${type} state`);
  if (!mock && (type === 'Map' || type === 'Parallel')) throw validationError(`TestState needs a mock to test the ${type} state '${name}'`);
  if (!mock && type === 'Task' && waitsForCallbackOrJob(state.Resource)) {
    throw validationError(`TestState needs a mock to test the Task state '${name}': its resource waits for a callback or a job`);
  }
  const input = parseJson(req.input, 'InvalidExecutionInput', 'Invalid State Machine Execution Input');
  const variables = req.variables ?? {};
  const draws = new Draws();
  const ctx = new SingleStateContext({
    queryLanguage, stateName: name, variables, draws, scheduler: engine.scheduler, signal: new AbortController().signal,
    context: req.context ?? defaultContext(engine, req, name, state, input),
    budget: { limits: engine.evaluationLimits, pacer: evaluationPacer(engine.scheduler) },
  });
  const test = new SingleStateTest(engine, name, state, input, ctx, draws, mock);
  const settled = await test.run();

  const result: SingleStateResult = { status: TestStatus.Succeeded };
  let assigned: JsonObject | null = null;
  let errorDetails: JsonObject | undefined;
  if (settled.kind === 'exit') {
    result.output = payloadText(settled.output);
    if (settled.next !== undefined) result.nextState = settled.next;
    assigned = settled.assigned;
  } else {
    const { error, fromTask } = settled.failure;
    if (error.error !== undefined) result.error = error.error;
    if (error.causeText !== undefined) result.cause = error.causeText;
    result.status = TestStatus.Failed;
    // the count is the matching retrier's: recover reads only that one's
    const retryCounts = new Array<number>(('Retry' in state && state.Retry?.length) || 0).fill(req.retrierRetryCount ?? 0);
    // TestState never waits: its back-off is the interval without jitter; its own time limit is no state's error
    const decision = error.error === undefined || error instanceof TestStateTimeout ? ({ kind: 'fail' } as const) : recover(state, error.error, fromTask, retryCounts, () => 1);
    if (decision.kind === 'retry') {
      result.status = TestStatus.Retriable;
      errorDetails = { retryIndex: decision.retrier, retryBackoffIntervalSeconds: decision.delayMs / 1000 };
    } else if (decision.kind === 'catch') {
      const handled = await test.settle(await caught(decision.catcher, input, { error: error.error, cause: error.causeText }, ctx), false);
      if (handled.kind === 'exit') {
        result.status = TestStatus.CaughtError;
        result.output = payloadText(handled.output);
        if (handled.next !== undefined) result.nextState = handled.next;
        assigned = handled.assigned;
        errorDetails = { catchIndex: ('Catch' in state && state.Catch?.indexOf(decision.catcher)) || 0 };
      } else {
        // the catcher's own output processing failed: the state fails with that error
        result.error = handled.failure.error.error;
        result.cause = handled.failure.error.causeText;
        if (result.cause === undefined) delete result.cause;
      }
    }
  }

  if (req.inspectionLevel !== InspectionLevel.Info) {
    result.inspectionData = {
      input: payloadText(input),
      ...test.inspection(settled.kind === 'exit'),
      variables: JSON.stringify({ ...variables, ...assigned }),
      ...(errorDetails && { errorDetails }),
    };
  } else if (errorDetails) {
    result.inspectionData = { errorDetails };
  }
  return result;
}

/** One state's evaluation, and what its task or mock answered, kept for the inspection data. */
class SingleStateTest {
  /** what the task was called with (its parameters, or a Map's or Parallel's effective input) */
  private called: JsonValue | undefined;
  /** what the task, or the mock in place of branches or iterations, answered */
  private answered: JsonValue | undefined;
  private readonly engine: Engine;
  private readonly name: string;
  private readonly state: State;
  private readonly input: JsonValue;
  private readonly ctx: SingleStateContext;
  private readonly draws: Draws;
  private readonly mock: Mock | undefined;

  constructor(engine: Engine, name: string, state: State, input: JsonValue, ctx: SingleStateContext, draws: Draws, mock: Mock | undefined) {
    this.engine = engine;
    this.name = name;
    this.state = state;
    this.input = input;
    this.ctx = ctx;
    this.draws = draws;
    this.mock = mock;
  }

  /** Evaluates the state through its handler and answers its outcome, up to its exit or its error. */
  async run(): Promise<Settled> {
    const state = this.state;
    if (state.Type === 'Task' && !this.mock && !this.engine.integrations.flavor(state.Resource)) {
      return this.failed(new RuntimeError(`The resource '${state.Resource}' is not supported by this engine.`), false);
    }
    let outcome: Outcome;
    try {
      outcome = await evaluateState(state, this.input, this.ctx);
    } catch (e) {
      return this.failed(asExecutionError(e), false);
    }
    if (outcome.kind !== 'invoke' && outcome.kind !== 'fanOut') return this.settle(outcome, false);
    this.called = outcome.kind === 'invoke' ? outcome.parameters : outcome.input;
    const answer = outcome.kind === 'invoke' && !this.mock ? await this.invoke(state as TaskState, outcome) : this.mocked();
    if (answer instanceof ExecutionError) return this.failed(answer, true);
    this.answered = answer;
    this.draws.nextPhase();
    let done: Outcome;
    try {
      done = await completeState(state as CompletingState, this.input, answer, this.ctx);
    } catch (e) {
      return this.failed(asExecutionError(e), false);
    }
    return this.settle(done, false);
  }

  /** What an outcome that needs no effect comes to, as the runner's exit has it. */
  async settle(outcome: Outcome, fromTask: boolean): Promise<Settled> {
    switch (outcome.kind) {
      case 'next':
        return this.exit(outcome.output, outcome.next, outcome.assigned);
      case 'end':
        return this.exit(outcome.output, undefined, outcome.assigned);
      case 'scheduleTimer': {
        // TestState answers a Wait at once, with where it would go once the wait is over
        const s = this.state as { Next?: string; End?: boolean };
        return this.exit(outcome.output, s.End ? undefined : s.Next, outcome.assigned);
      }
      case 'fail':
        return this.failed(outcome.error, fromTask);
      default:
        throw new Error(`an outcome TestState cannot settle: ${outcome.kind}`);
    }
  }

  private exit(output: JsonValue, next: string | undefined, assigned: JsonObject | null): Settled {
    const tooLarge = payloadSizeError(JSON.stringify(output ?? null), this.name);
    if (tooLarge) return this.failed(tooLarge, false);
    return { kind: 'exit', output, next, assigned };
  }

  /** Runtime errors name the state and its entered event, as the runner's do. */
  private failed(error: StatesError, fromTask: boolean): Settled {
    const named = error instanceof RuntimeError ? new RuntimeError(stateErrorCause(this.name, ENTERED_EVENT_ID, error.causeText ?? ''), { cause: error, location: error.location }) : error;
    return { kind: 'fail', failure: { error: named, fromTask } };
  }

  /** The mock's answer: its result, or its error as the task's (or the branches') own. */
  private mocked(): JsonValue | ExecutionError {
    const e = this.mock!.errorOutput;
    if (e) return new TaskFailure(e.error, e.cause);
    return this.mock!.result ?? null;
  }

  /**
   * Calls the engine's integration once, for at most five minutes (AWS's TestState limit, which
   * fails the test with States.Timeout) or the task's own TimeoutSeconds (a task error, which
   * Retry and Catch see).
   */
  private async invoke(state: TaskState, outcome: Extract<Outcome, { kind: 'invoke' }>): Promise<JsonValue | ExecutionError> {
    const scheduler = this.engine.scheduler;
    const controller = new AbortController();
    const started = scheduler.now();
    const taskLimit = outcome.timeoutSeconds !== undefined ? outcome.timeoutSeconds * 1000 : Infinity;
    const limit = scheduler.sleepUntil(started + Math.min(FIVE_MINUTES_MS, taskLimit));
    const region = /^arn:[^:]+:[^:]+:([^:]+):/.exec(state.Resource)?.[1] || this.engine.region;
    const execution = (this.ctx.context.Execution ?? {}) as JsonObject;
    try {
      const output = await Promise.race([
        this.engine.integrations.invoke({
          resource: state.Resource, parameters: outcome.parameters, region, accountId: this.engine.accountId,
          executionArn: typeof execution.Id === 'string' ? execution.Id : '', stateMachineName: MACHINE_NAME, stateName: this.name,
          timeoutSeconds: outcome.timeoutSeconds, signal: controller.signal,
        }),
        limit.promise.then(() => {
          throw taskLimit <= FIVE_MINUTES_MS ? new TaskTimeout() : new TestStateTimeout();
        }),
      ]);
      const flavor = this.engine.integrations.flavor(state.Resource);
      const tooLarge = payloadSizeError(JSON.stringify(output ?? null), flavor?.kind === 'service' ? flavor.resourceType : state.Resource);
      return tooLarge ?? output;
    } catch (e) {
      controller.abort();
      return asExecutionError(e);
    } finally {
      limit.handle.cancel();
    }
  }

  /**
   * DEBUG's view of the data flow, from the dataflow steps on the state's own context, the ids
   * and random numbers it drew replayed. `ok`: the state exited (no result shows after an error).
   */
  inspection(ok: boolean): Record<string, string> {
    const out: Record<string, string> = {};
    const text = (v: JsonValue) => JSON.stringify(v);
    const state = this.state as State & { Parameters?: JsonValue; ResultSelector?: JsonValue; ResultPath?: string | null; Result?: JsonValue };
    if (this.ctx.queryLanguage === 'JSONata') {
      if (this.called !== undefined) out.afterArguments = text(this.called);
      if (this.answered !== undefined) out.result = text(this.answered);
      return out;
    }
    const before = this.draws.replay(0, this.ctx);
    const effective = applyInputPath(state.InputPath, this.input, before);
    if (isStatesError(effective)) return out;
    out.afterInputPath = text(effective);
    const type = state.Type;
    if (type !== 'Task' && type !== 'Pass' && type !== 'Map' && type !== 'Parallel') return out;
    const parameters = this.called ?? (state.Parameters === undefined ? effective : applyTemplate(state.Parameters, effective, before, 'Parameters'));
    if (isStatesError(parameters)) return out;
    out.afterParameters = text(parameters);
    const raw = type === 'Pass' ? (state.Result ?? parameters) : this.answered;
    if (raw === undefined || !ok) return out;
    out.result = text(raw);
    const after = type === 'Pass' ? before : this.draws.replay(1, this.ctx);
    const selected = state.ResultSelector === undefined ? raw : applyTemplate(state.ResultSelector, raw, after, 'ResultSelector');
    if (isStatesError(selected)) return out;
    if (state.ResultSelector !== undefined) out.afterResultSelector = text(selected);
    const placed = applyResultPath(state.ResultPath, this.input, selected);
    if (!isStatesError(placed)) out.afterResultPath = text(placed);
    return out;
  }
}

/** A real task ran past TestState's five minutes: the test fails, whatever the state's Retry and Catch. */
class TestStateTimeout extends ExecutionError {
  constructor() {
    super('States.Timeout', 'TestState ran for more than five minutes');
  }
}

/**
 * The ids and random numbers the state draws, by phase (0: evaluate, 1: complete), so that the
 * inspection data's steps see the values the state saw.
 */
class Draws {
  private readonly phases: { uuids: string[]; randoms: number[] }[] = [{ uuids: [], randoms: [] }];

  uuid(): string {
    const v = randomUUID();
    this.phases[this.phases.length - 1].uuids.push(v);
    return v;
  }

  random(): number {
    const v = randomFraction();
    this.phases[this.phases.length - 1].randoms.push(v);
    return v;
  }

  nextPhase(): void {
    this.phases.push({ uuids: [], randoms: [] });
  }

  /** `ctx` whose ids and random numbers are phase `phase`'s again, then new ones. */
  replay(phase: number, ctx: DataflowContext): DataflowContext {
    const uuids = [...(this.phases[phase]?.uuids ?? [])];
    const randoms = [...(this.phases[phase]?.randoms ?? [])];
    return {
      stateName: ctx.stateName, enteredEventId: ctx.enteredEventId, context: ctx.context, variables: ctx.variables, budget: ctx.budget, signal: ctx.signal,
      uuid: () => uuids.shift() ?? randomUUID(),
      random: () => randoms.shift() ?? randomFraction(),
    };
  }
}

/** A number in [0, 1) from 47 random bits (randomInt's widest range), about as fine-grained as Math.random's. */
function randomFraction(): number {
  return randomInt(2 ** 47) / 2 ** 47;
}

interface ContextParts {
  queryLanguage: QueryLanguage;
  stateName: string;
  context: JsonObject;
  variables: JsonObject;
  draws: Draws;
  scheduler: Engine['scheduler'];
  budget: EvaluationBudget;
  signal: AbortSignal;
}

/** The tested state's context: what a StateScope gives a state in a run, from the request instead of a frame. */
class SingleStateContext implements StateContext {
  readonly queryLanguage: QueryLanguage;
  readonly stateName: string;
  readonly enteredEventId = ENTERED_EVENT_ID;
  readonly context: JsonObject;
  readonly variables: JsonObject;
  readonly budget: EvaluationBudget;
  readonly signal: AbortSignal;
  private readonly draws: Draws;
  private readonly scheduler: Engine['scheduler'];

  constructor(parts: ContextParts) {
    this.queryLanguage = parts.queryLanguage;
    this.stateName = parts.stateName;
    this.context = parts.context;
    this.variables = parts.variables;
    this.budget = parts.budget;
    this.signal = parts.signal;
    this.draws = parts.draws;
    this.scheduler = parts.scheduler;
  }

  uuid(): string {
    return this.draws.uuid();
  }

  random(): number {
    return this.draws.random();
  }

  now(): number {
    return this.scheduler.now();
  }
}

/** The context object of a TestState without one: an execution of its own that started now, the state its first. */
function defaultContext(engine: Engine, req: SingleStateRequest, name: string, state: State, input: JsonValue): JsonObject {
  const now = new Date(engine.scheduler.now()).toISOString();
  const executionName = randomUUID();
  const stateMachineArn = `arn:aws:states:${engine.region}:${engine.accountId}:stateMachine:${MACHINE_NAME}`;
  const context: JsonObject = {
    Execution: {
      Id: `arn:aws:states:${engine.region}:${engine.accountId}:execution:${MACHINE_NAME}:${executionName}`,
      Input: input,
      StartTime: now,
      Name: executionName,
      RoleArn: req.roleArn ?? `arn:aws:iam::${engine.accountId}:role/${MACHINE_NAME}`,
      RedriveCount: 0,
    },
    StateMachine: { Id: stateMachineArn, Name: MACHINE_NAME },
    State: { Name: name, EnteredTime: now },
  };
  if (state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map') (context.State as JsonObject).RetryCount = req.retrierRetryCount ?? 0;
  return context;
}

/** The state the request tests, validated, its name, and the query language it is written in. */
function stateUnderTest(engine: Engine, req: SingleStateRequest): { name: string; state: State; queryLanguage: QueryLanguage } {
  let parsed: unknown;
  try {
    parsed = parseDefinitionText(req.definition);
  } catch (e) {
    if (e instanceof InvalidDefinition) throw new ApiError('InvalidDefinition', e.message);
    throw e;
  }
  if (!isObject(parsed)) {
    throw new ApiError('InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The definition must be a JSON object'");
  }
  if (req.stateName === undefined) {
    // validated as AWS validates a state: as the one state of a machine, its targets placeholders
    const states: JsonObject = {};
    for (const target of targets(parsed)) states[target] = { Type: 'Succeed' };
    states[DEFAULT_NAME] = parsed;
    engine.checkDefinition(JSON.stringify({ StartAt: DEFAULT_NAME, States: states }));
    return { name: DEFAULT_NAME, state: parsed as unknown as State, queryLanguage: (parsed.QueryLanguage as QueryLanguage | undefined) ?? 'JSONPath' };
  }
  // a whole machine: valid as a whole, and holding the state
  const machine = engine.checkDefinition(req.definition);
  const state = (machine.States as Record<string, unknown>)[req.stateName];
  if (!isObject(state)) {
    throw validationError(`Value '${req.stateName}' at 'stateName' failed to satisfy constraint: the definition has no state of this name`);
  }
  const typed = state as unknown as State;
  return { name: req.stateName, state: typed, queryLanguage: typed.QueryLanguage ?? machine.QueryLanguage ?? 'JSONPath' };
}

/** Every state name the state can go to. */
function targets(state: JsonObject): Set<string> {
  const out = new Set<string>();
  const add = (t: JsonValue | undefined) => {
    if (typeof t === 'string') out.add(t);
  };
  add(state.Next);
  add(state.Default);
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) for (const c of list) if (isObject(c)) add(c.Next);
  }
  return out;
}

/** An activity, a `.sync` job or a `.waitForTaskToken` callback: a task that does not answer at once. */
function waitsForCallbackOrJob(resource: string): boolean {
  const r = parseResourceArn(resource);
  return r?.kind === 'activity' || (r?.kind === 'integration' && r.pattern !== IntegrationPattern.RequestResponse);
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseJson(text: string, type: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new ApiError(type, `${what}: '${(e as Error).message}'`);
  }
}

/**
 * TestState without a single-state interpreter: the state under test runs as the one real state
 * of a small state machine, on a scratch in-memory engine, and its history says what happened.
 *
 * The machine: an optional Pass that assigns the request's variables, the state itself (without
 * Retry), and a Succeed placeholder for every state it can go to, so that the state entered after
 * it names `nextState`. A first run sends every catcher to a placeholder of its own with the bare
 * error output, which gives the error and cause exactly; when a retrier matches, the answer is
 * RETRIABLE (TestState never retries), and when a catcher does, a second run replays the first
 * run's task outcome (never invoking the task again) with the real catchers, for the caught output.
 *
 * Mocked tasks and states that call nothing run on a virtual clock, so a Wait answers at once; a
 * task that calls a real integration runs on the engine's clock, for at most five minutes as on AWS.
 *
 * Caveats: the context object (`$$`) is the scratch execution's, and the request's `context` is
 * not applied; `inspectionData` is rebuilt from the history and the state's fields, without HTTP
 * request and response details (TRACE shows what DEBUG shows); mocked results are not validated
 * against the service's API model.
 */
import { ApiError, Engine } from '../engine.ts';
import type { JsonObject, JsonValue } from '../json.ts';
import type { Catcher, Retrier } from '../definition/types.ts';
import { InvalidDefinition } from '../errors.ts';
import { enteredDetails, exitedDetails, type HistoryEvent } from '../history/events.ts';
import { parseDefinitionText } from '../definition/validate.ts';
import { VirtualScheduler, type Scheduler } from '../runtime/clock.ts';
import { IntegrationPattern, parseResourceArn } from '../definition/resource-arn.ts';
import { TaskFailure, flavorOfArn, type TaskFlavor, type TaskIntegration, type TaskRequest } from '../runtime/integrations.ts';
import { applyInputPath, applyResultPath, applyTemplate, isStatesError, type DataflowContext } from '../dataflow/index.ts';
import { backoffMs, errorMatches, findRetrier } from '../states/retry.ts';
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
const PRELUDE = '__longhaul_variables';
const SELF = '__longhaul_self';
const CAUGHT = '__longhaul_caught_';
const FIVE_MINUTES_MS = 5 * 60 * 1000;

/** The parts of a Map or Parallel state a mocked one keeps: it runs as a Task answering the mock. */
const MOCKED_AGGREGATE_FIELDS = ['Comment', 'QueryLanguage', 'InputPath', 'OutputPath', 'ResultPath', 'ResultSelector', 'Output', 'Assign', 'Catch', 'Next', 'End'];

/**
 * Runs one state as TestState does.
 *
 * @example
 * const r = await runSingleState(engine, { definition: '{"Type":"Pass","Result":1,"End":true}', input: '{}', inspectionLevel: 'INFO' });
 * // { status: 'SUCCEEDED', output: '1' }
 */
export async function runSingleState(engine: Engine, req: SingleStateRequest): Promise<SingleStateResult> {
  const { name, state, queryLanguage } = stateUnderTest(engine, req);
  const type = state.Type as string;
  const mocked = req.mock !== undefined;
  if (mocked && !['Task', 'Map', 'Parallel'].includes(type)) throw validationError(`A mock can only be specified for a Task, Map or Parallel state; '${name}' is a ${type} state`);
  if (!mocked && (type === 'Map' || type === 'Parallel')) throw validationError(`TestState needs a mock to test the ${type} state '${name}'`);
  if (!mocked && type === 'Task' && typeof state.Resource === 'string' && waitsForCallbackOrJob(state.Resource)) {
    throw validationError(`TestState needs a mock to test the Task state '${name}': its resource waits for a callback or a job`);
  }
  const input = parseJson(req.input, 'InvalidExecutionInput', 'Invalid State Machine Execution Input');
  const jsonata = queryLanguage === 'JSONata';
  const retriers = (state.Retry as unknown as Retrier[] | undefined) ?? [];
  const catchers = (state.Catch as unknown as Catcher[] | undefined) ?? [];

  // the state as it runs: without Retry, Map and Parallel as Tasks when mocked
  const runnable: JsonObject = mocked && (type === 'Map' || type === 'Parallel')
    ? { Type: 'Task', Resource: mockResource(engine), ...Object.fromEntries(MOCKED_AGGREGATE_FIELDS.filter((k) => k in state).map((k) => [k, state[k]])) }
    : { ...state };
  delete runnable.Retry;
  if (jsonata) runnable.QueryLanguage = 'JSONata';

  // first run: every catcher sends the bare error output to a placeholder of its own
  const probe: JsonObject = {
    ...runnable,
    ...(catchers.length > 0 && {
      Catch: catchers.map((c, i) => ({ ErrorEquals: c.ErrorEquals, Next: `${CAUGHT}${i}`, ...(jsonata ? { Output: '{% $states.errorOutput %}' } : { ResultPath: '$' }) })),
    }),
  };
  const integration = mocked ? new MockedTask(req.mock!) : engine.integrations;
  const recorder = new RecordingTask(integration);
  const real = !mocked && type === 'Task';
  const first = await runMachine(engine, machine(name, probe, req.variables), machineInput(input, req.variables), recorder, real ? engine.scheduler : undefined);

  const entered = first.history.findIndex((e) => enteredName(e) === name);
  const inputText = entered >= 0 ? enteredDetails(first.history[entered])!.input : req.input;
  const after = first.history.slice(entered + 1);
  const exited = after.find((e) => exitedName(e) === name);
  const next = after.find((e) => enteredName(e) !== undefined);
  const nextName = next && enteredName(next);

  const result: SingleStateResult = { status: TestStatus.Succeeded };
  const inspection: Record<string, unknown> = {};
  let variables = { ...req.variables, ...assignedVariables(exited) };
  let error: { error: string; cause?: string } | undefined;
  let caughtBy = -1;
  if (nextName?.startsWith(CAUGHT)) {
    caughtBy = Number(nextName.slice(CAUGHT.length));
    const out = JSON.parse(enteredDetails(next!)!.input) as { Error?: string; Cause?: string };
    error = { error: out.Error ?? '', cause: out.Cause };
  } else if (first.outcome.status !== 'SUCCEEDED' && nextName === undefined) {
    error = { error: first.outcome.error ?? '', cause: first.outcome.cause };
  }

  if (!error) {
    if (exited) result.output = exitedDetails(exited)!.output;
    if (nextName !== undefined) result.nextState = nextName === SELF ? name : nextName;
  } else {
    result.error = error.error;
    if (error.cause !== undefined) result.cause = error.cause;
    const fromTask = recorder.failed;
    const retryIndex = findRetrier(retriers, error.error, fromTask);
    const retries = req.retrierRetryCount ?? 0;
    const backoff = retryIndex >= 0 ? backoffMs(retriers[retryIndex], retries + 1, () => 1) : undefined;
    if (backoff !== undefined) {
      result.status = TestStatus.Retriable;
      inspection.errorDetails = { retryIndex, retryBackoffIntervalSeconds: backoff / 1000 };
    } else if (caughtBy >= 0 && errorMatches(catchers[caughtBy].ErrorEquals, error.error, fromTask)) {
      // second run: the real catchers, the task answering what it answered the first time
      const replay = new ReplayedTask(recorder);
      const second = await runMachine(engine, machine(name, runnable, req.variables), machineInput(input, req.variables), replay, undefined);
      const again = second.history.slice(second.history.findIndex((e) => enteredName(e) === name) + 1);
      const caughtExit = again.find((e) => exitedName(e) === name);
      const caughtNext = again.find((e) => enteredName(e) !== undefined);
      result.status = TestStatus.CaughtError;
      if (caughtExit) result.output = exitedDetails(caughtExit)!.output;
      const target = caughtNext && enteredName(caughtNext);
      if (target !== undefined) result.nextState = target === SELF ? name : target;
      variables = { ...req.variables, ...assignedVariables(caughtExit) };
      inspection.errorDetails = { catchIndex: caughtBy };
    } else {
      result.status = TestStatus.Failed;
    }
  }

  if (req.inspectionLevel !== InspectionLevel.Info) {
    result.inspectionData = {
      input: inputText,
      ...dataFlow(state, type, jsonata, JSON.parse(inputText) as JsonValue, variables, recorder, error === undefined),
      variables: JSON.stringify(variables),
      ...inspection,
    };
  } else if (inspection.errorDetails) {
    result.inspectionData = { errorDetails: inspection.errorDetails };
  }
  return result;
}

/** The state the request tests, its name, and the query language it is written in. */
function stateUnderTest(engine: Engine, req: SingleStateRequest): { name: string; state: JsonObject; queryLanguage: string } {
  let parsed: unknown;
  try {
    parsed = parseDefinitionText(req.definition);
  } catch (e) {
    if (e instanceof InvalidDefinition) throw new ApiError('InvalidDefinition', e.message);
    throw e;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError('InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The definition must be a JSON object'");
  }
  const def = parsed as JsonObject;
  if (req.stateName === undefined) {
    return { name: DEFAULT_NAME, state: def, queryLanguage: (def.QueryLanguage as string | undefined) ?? 'JSONPath' };
  }
  // a whole machine: valid as a whole, and holding the state
  engine.checkDefinition(req.definition);
  const states = def.States as JsonObject;
  const state = states[req.stateName];
  if (state === undefined || state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw validationError(`Value '${req.stateName}' at 'stateName' failed to satisfy constraint: the definition has no state of this name`);
  }
  const own = (state as JsonObject).QueryLanguage as string | undefined;
  return { name: req.stateName, state: state as JsonObject, queryLanguage: own ?? (def.QueryLanguage as string | undefined) ?? 'JSONPath' };
}

/** The machine around the state: the variables' Pass, the state, and a placeholder per target. */
function machine(name: string, state: JsonObject, variables: JsonObject | undefined): JsonObject {
  const tested = retarget(state, name);
  const states: JsonObject = {};
  if (variables) {
    states[PRELUDE] = {
      Type: 'Pass',
      Assign: Object.fromEntries(Object.keys(variables).map((k) => [`${k}.$`, `$.vars.${k}`])),
      OutputPath: '$.input',
      Next: name,
    };
  }
  states[name] = tested;
  for (const target of targets(tested)) states[target] = { Type: 'Succeed' };
  return { StartAt: variables ? PRELUDE : name, States: states };
}

/** The execution input: the state's input, beside the variables when the Pass assigns them. */
function machineInput(input: JsonValue, variables: JsonObject | undefined): JsonValue {
  return variables ? { vars: variables, input } : input;
}

/** The state with its transitions to itself sent to a placeholder, so that the run ends after one step. */
function retarget(state: JsonObject, name: string): JsonObject {
  const to = (t: JsonValue | undefined) => (t === name ? SELF : t);
  const out: JsonObject = { ...state };
  if (out.Next !== undefined) out.Next = to(out.Next) as JsonValue;
  if (out.Default !== undefined) out.Default = to(out.Default) as JsonValue;
  if (Array.isArray(out.Choices)) out.Choices = out.Choices.map((c) => (isObject(c) && c.Next !== undefined ? { ...c, Next: to(c.Next) as JsonValue } : c));
  if (Array.isArray(out.Catch)) out.Catch = out.Catch.map((c) => (isObject(c) && c.Next !== undefined ? { ...c, Next: to(c.Next) as JsonValue } : c));
  return out;
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

/** Runs the machine on a scratch engine; the virtual clock unless `scheduler` is given. */
async function runMachine(engine: Engine, definition: JsonObject, input: JsonValue, integration: TaskIntegration, scheduler: Scheduler | undefined) {
  const clock = scheduler ?? new VirtualScheduler(engine.scheduler.now());
  const scratch = new Engine({ database: ':memory:', scheduler: clock, integrations: [integration], accountId: engine.accountId, region: engine.region, evaluationLimits: engine.evaluationLimits });
  try {
    const sm = scratch.createStateMachine({ name: 'test-state', definition: JSON.stringify(definition), roleArn: `arn:aws:iam::${engine.accountId}:role/test-state` });
    const { executionArn } = scratch.startExecution({ stateMachineArn: sm.arn, input: JSON.stringify(input) });
    const done = scratch.waitFor(executionArn);
    if (scheduler) {
      // a real task may never answer: stop it where AWS's TestState stops, after five minutes
      const cap = clock.sleepUntil(clock.now() + FIVE_MINUTES_MS);
      void cap.promise.then(() => scratch.stopExecution(executionArn, 'States.Timeout', 'TestState ran for more than five minutes')).catch(() => {});
      try {
        await done;
      } finally {
        cap.handle.cancel();
      }
    }
    const outcome = await done;
    return { outcome, history: scratch.history(executionArn) };
  } finally {
    scratch.close();
  }
}

/** DEBUG's view of the state's data flow, rebuilt from its fields and what the task received and answered. */
function dataFlow(state: JsonObject, type: string, jsonata: boolean, input: JsonValue, variables: JsonObject, recorder: RecordingTask, ok: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const text = (v: JsonValue) => JSON.stringify(v);
  // the scratch execution's context and ids are gone: paths into `$$` and ids read as empty
  const ctx: DataflowContext = { stateName: DEFAULT_NAME, enteredEventId: 0, context: {}, variables, uuid: () => '', random: () => 0 };
  const called = recorder.request?.parameters;
  const answered = recorder.result;
  if (jsonata) {
    if (called !== undefined) out.afterArguments = text(called);
    if (answered !== undefined) out.result = text(answered);
    return out;
  }
  const effective = applyInputPath(state.InputPath as string | null | undefined, input, ctx);
  if (isStatesError(effective)) return out;
  out.afterInputPath = text(effective);
  if (!['Task', 'Pass', 'Map', 'Parallel'].includes(type)) return out;
  const parameters = called ?? (state.Parameters === undefined ? effective : applyTemplate(state.Parameters, effective, ctx, 'Parameters'));
  if (isStatesError(parameters)) return out;
  out.afterParameters = text(parameters);
  const raw = type === 'Pass' ? (state.Result ?? parameters) : answered;
  if (raw === undefined || !ok) return out;
  out.result = text(raw);
  const selected = state.ResultSelector === undefined ? raw : applyTemplate(state.ResultSelector, raw, ctx, 'ResultSelector');
  if (isStatesError(selected)) return out;
  if (state.ResultSelector !== undefined) out.afterResultSelector = text(selected);
  const placed = applyResultPath(state.ResultPath as string | null | undefined, input, selected);
  if (!isStatesError(placed)) out.afterResultPath = text(placed);
  return out;
}

/** A mocked task: answers the mock's result or fails with its error, whatever the resource. */
class MockedTask implements TaskIntegration {
  private readonly mock: NonNullable<SingleStateRequest['mock']>;

  constructor(mock: NonNullable<SingleStateRequest['mock']>) {
    this.mock = mock;
  }

  flavor(resource: string): TaskFlavor | undefined {
    return requestFlavor(resource);
  }

  invoke(): Promise<JsonValue> {
    const e = this.mock.errorOutput;
    if (e) return Promise.reject(new TaskFailure(e.error, e.cause));
    return Promise.resolve(this.mock.result ?? null);
  }
}

/** Passes tasks on, and keeps the first one's request and outcome. */
class RecordingTask implements TaskIntegration {
  request: TaskRequest | undefined;
  result: JsonValue | undefined;
  failure: unknown;
  failed = false;
  private readonly inner: TaskIntegration;

  constructor(inner: TaskIntegration) {
    this.inner = inner;
  }

  flavor(resource: string): TaskFlavor | undefined {
    return this.inner.flavor(resource);
  }

  async invoke(request: TaskRequest): Promise<JsonValue> {
    const first = this.request === undefined;
    if (first) this.request = request;
    try {
      const result = await this.inner.invoke(request);
      if (first) this.result = result;
      return result;
    } catch (e) {
      if (first) {
        this.failed = true;
        this.failure = e;
      }
      throw e;
    }
  }
}

/** Answers what a recorded task answered, without calling anything; a task that never answered never does. */
class ReplayedTask implements TaskIntegration {
  private readonly recorder: RecordingTask;

  constructor(recorder: RecordingTask) {
    this.recorder = recorder;
  }

  flavor(resource: string): TaskFlavor | undefined {
    return requestFlavor(resource);
  }

  invoke(): Promise<JsonValue> {
    if (this.recorder.failed) return Promise.reject(this.recorder.failure);
    if (this.recorder.result !== undefined) return Promise.resolve(this.recorder.result);
    return new Promise<JsonValue>(() => {});
  }
}

/** An activity, a `.sync` job or a `.waitForTaskToken` callback: a task that does not answer at once. */
function waitsForCallbackOrJob(resource: string): boolean {
  const r = parseResourceArn(resource);
  return r?.kind === 'activity' || (r?.kind === 'integration' && r.pattern !== IntegrationPattern.RequestResponse);
}

/** How a task shows in history when it answers at once, whatever integration pattern its resource names. */
function requestFlavor(resource: string): TaskFlavor | undefined {
  if (/^arn:[^:]+:lambda:/.test(resource)) return { kind: 'lambda', resource };
  const f = flavorOfArn(resource);
  return f?.kind === 'service' ? { ...f, pattern: 'request' } : undefined;
}

/** The resource a mocked Map or Parallel state runs as. */
function mockResource(engine: Engine): string {
  return `arn:aws:lambda:${engine.region}:${engine.accountId}:function:longhaul-test-state-mock`;
}

function enteredName(e: HistoryEvent): string | undefined {
  return enteredDetails(e)?.name;
}

function exitedName(e: HistoryEvent): string | undefined {
  return exitedDetails(e)?.name;
}

/** The variables a StateExited event assigned, parsed. */
function assignedVariables(e: HistoryEvent | undefined): JsonObject {
  const texts = e && exitedDetails(e)?.assignedVariables;
  return texts ? Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, JSON.parse(v) as JsonValue])) : {};
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

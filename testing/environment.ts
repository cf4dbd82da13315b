/**
 * A test environment for state machines, modelled on Temporal's `TestWorkflowEnvironment`
 * (createTimeSkipping): one call starts an engine in the test process on a virtual clock, behind
 * the Step Functions API, and hands back the real `SFNClient` pointed at it.
 *
 * Time: the virtual clock stands still while the test's own code runs, and skips ahead (to the
 * next Wait, retry back-off or timeout) only while the test awaits the environment: an
 * execution's result (`waitForExecution`, `startAndWait`), a task token (`pendingTokens`) or a
 * `sleep`. It never skips while real work runs: a Lambda handler, the API answering a call.
 * Unlike Temporal's test server, whose clock runs at real pace while skipping is locked, this one
 * stands still then: the times a test reads are the same on every run.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CreateStateMachineCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Engine } from '../engine/engine.ts';
import type { JsonValue } from '../engine/json.ts';
import { VirtualScheduler } from '../engine/runtime/clock.ts';
import type { PendingToken } from '../engine/runtime/pending-work.ts';
import { startApiServer } from '../engine/api/server.ts';
import { collectEngine, coverageDir } from '../engine/coverage/collect.ts';
import { checkMockConfig, loadMockConfig, mockedResponses, type MockConfig } from '../local/mocks/mock-config.ts';
import { StandIns, missingStandInMessage } from '../local/stand-ins/stand-ins.ts';
import type { LocalClients } from '../local/services/clients.ts';
import type { StackConfig } from '../local/stack.ts';
import type { AppOverlay } from '../local/cloudformation/overlay.ts';
import { placeholdersIn, substitute } from '../engine/definition/substitutions.ts';
import { TestFunctions, type FunctionSource } from './functions.ts';
import type { Execution, ExecutionStatus } from './execution.ts';

export type { PendingToken } from '../engine/runtime/pending-work.ts';
export type { MockConfig } from '../local/mocks/mock-config.ts';

/** 2024-01-01T00:00:00Z: the virtual clock starts here unless `startTime` says otherwise. */
export const DEFAULT_START_MS = Date.UTC(2024, 0, 1);

const ROLE_ARN = 'arn:aws:iam::123456789012:role/longhaul-test';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Where a state machine's definition comes from: the ASL as an object, `{ definition }` (an object
 * or JSON text), or `{ file }` (an ASL JSON file, relative to the working directory) whose
 * `${Name}` placeholders `substitutions` fills, as CDK's `definitionSubstitutions` do.
 */
export type StateMachineSource =
  | { StartAt: string; States: Record<string, unknown>; [key: string]: unknown }
  | { definition: object | string; type?: 'STANDARD' | 'EXPRESS' }
  | { file: string; substitutions?: Record<string, string>; type?: 'STANDARD' | 'EXPRESS' };

export interface TestEnvironmentOptions {
  /** State machines created at start, by name. */
  stateMachines?: Record<string, StateMachineSource>;
  /**
   * Lambda functions, by function name or ARN: a module (`'handlers/poll.ts#handler'`, relative to
   * the working directory; export `handler` by default) or the handler function itself.
   */
  functions?: Record<string, FunctionSource>;
  /**
   * Stand-ins for services that do not run locally, resource pattern → module
   * (`{ 'glue:startJobRun.sync': 'test/glue-job.mjs' }`); a Task nothing answers then fails with
   * a message saying how to add one.
   */
  standIns?: Record<string, string>;
  /**
   * A Step Functions Local MockConfigFile (its path or its content): an execution started with a
   * `testCase` runs with that test case's mocked responses.
   */
  mockConfig?: string | MockConfig;
  /** Where the virtual clock starts (default 2024-01-01T00:00:00Z). */
  startTime?: Date | number;
  /**
   * The local stack as well (S3, SQS, SNS, DynamoDB, event rules; `s3`, `sqs` and `dynamodb`
   * clients on the environment); a StackConfig creates its buckets, queues and tables.
   * Caveat: it takes a second or two to start, and its `functions` run in sandboxed processes.
   */
  localStack?: boolean | StackConfig;
  /**
   * A synthesized CDK app (its cloud assembly folder, `cdk.out`) or a CloudFormation template,
   * stood up on the local stack as `longhaul serve --app` does: its state machines, functions,
   * tables, queues, rules and schedules; start its state machines by their names. `overlay` lays
   * what is local by nature over it (see `longhaul serve --app`).
   */
  app?: string | { app?: string; template?: string; overlay?: AppOverlay };
  /** The randomness a retry's FULL jitter draws from (default: always 0.5). */
  random?: () => number;
  /**
   * State machine coverage: at `teardown()`, the executions' histories (payloads dropped) go to
   * `coverage/longhaul/raw/` under the working directory (or `{ dir }`; LONGHAUL_COVERAGE_DIR),
   * where the jest reporter `longhaul/testing/coverage-reporter` merges them into reports at the
   * end of the run. Off by default: without the reporter nothing would clear the records.
   * `LONGHAUL_COVERAGE=all` turns it on too.
   */
  coverage?: boolean | { dir: string };
}

/** How an execution is started: its name, and the mock config's test case to run it with. */
export interface StartOptions {
  name?: string;
  testCase?: string;
}

export interface TestEnvironment {
  /** The real Step Functions client, pointed at the environment's engine. */
  readonly sfn: SFNClient;
  /** With `localStack`: clients pointed at the local services. */
  readonly s3: S3Client | undefined;
  readonly sqs: SQSClient | undefined;
  readonly dynamodb: DynamoDBClient | undefined;
  /** The Step Functions endpoint (`http://127.0.0.1:PORT`), for clients the test makes itself. */
  readonly endpoint: string;
  /** The engine behind the API, for what the API does not say. */
  readonly engine: Engine;
  /** The ARN of a state machine created from `stateMachines` (or `createStateMachine`). */
  stateMachineArn(name: string): string;
  /** Creates (or, same definition, finds) a state machine through the API; resolves its ARN. */
  createStateMachine(name: string, source: StateMachineSource): Promise<string>;
  /** StartExecution through the API; resolves the execution's ARN at once, without waiting. */
  start(stateMachine: string, input?: JsonValue, opts?: StartOptions): Promise<string>;
  /** Waits for an execution's end, skipping time meanwhile. */
  waitForExecution(executionArn: string): Promise<Execution>;
  /** `start`, then `waitForExecution`. */
  startAndWait(stateMachine: string, input?: JsonValue, opts?: StartOptions): Promise<Execution>;
  /**
   * The task tokens an execution waits on, skipping time until it waits on at least one (of
   * `stateName` when given); empty when the execution ends first.
   */
  pendingTokens(executionArn: string, stateName?: string): Promise<PendingToken[]>;
  /** SendTaskSuccess through the API, with the output as a value. */
  sendTaskSuccess(taskToken: string, output?: JsonValue): Promise<void>;
  /** SendTaskFailure through the API. */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void>;
  /** SendTaskHeartbeat through the API. */
  sendTaskHeartbeat(taskToken: string): Promise<void>;
  /** Moves the virtual clock `ms` ahead; what falls due meanwhile (Waits, retries, timeouts) runs. */
  sleep(ms: number): Promise<void>;
  /** The virtual time, epoch milliseconds. */
  now(): number;
  /** Stops the API (and the local stack) and closes the engine. */
  teardown(): Promise<void>;
}

/** Holds the virtual clock while the test's own code runs; lets it skip while the test awaits the environment. */
class ClockGate {
  private release: (() => void) | undefined;
  private skippers = 0;
  private readonly idleChecks: (() => boolean)[] = [];
  private readonly scheduler: VirtualScheduler;

  constructor(scheduler: VirtualScheduler) {
    this.scheduler = scheduler;
    this.release = scheduler.beginWork();
    scheduler.onIdle = () => {
      // a check that settles its promise has started work: the clock waits for it
      let started = false;
      for (const check of [...this.idleChecks]) if (check()) started = true;
      return started;
    };
  }

  /** Runs `act` with time skipping; `onIdle` (true: done) is asked whenever nothing can run. */
  async skip<T>(act: (untilIdle: (check: () => boolean) => void) => Promise<T>): Promise<T> {
    if (this.skippers++ === 0) {
      this.release?.();
      this.release = undefined;
    }
    const mine: (() => boolean)[] = [];
    try {
      return await act((check) => {
        mine.push(check);
        this.idleChecks.push(check);
        // nothing may be due to wake the scheduler: make it look again
        this.scheduler.beginWork()();
      });
    } finally {
      for (const c of mine) this.idleChecks.splice(this.idleChecks.indexOf(c), 1);
      if (--this.skippers === 0) this.release = this.scheduler.beginWork();
    }
  }

  /** Real work: the clock stands still until `act` settles, even while a skip is under way. */
  async work<T>(act: () => Promise<T>): Promise<T> {
    const done = this.scheduler.beginWork();
    try {
      return await act();
    } finally {
      done();
    }
  }

  close(): void {
    this.release?.();
    this.release = undefined;
    this.scheduler.onIdle = undefined;
  }
}

function definitionText(source: StateMachineSource): { text: string; type?: 'STANDARD' | 'EXPRESS' } {
  if ('file' in source && typeof source.file === 'string') {
    source = source as { file: string; substitutions?: Record<string, string>; type?: 'STANDARD' | 'EXPRESS' };
    const raw = readFileSync(resolve(source.file), 'utf8');
    const values = source.substitutions ?? {};
    const missing = placeholdersIn(raw).filter((p) => !Object.prototype.hasOwnProperty.call(values, p));
    if (missing.length > 0) throw new Error(`${source.file} has placeholders without a value in "substitutions": ${missing.map((m) => `\${${m}}`).join(', ')}`);
    return { text: substitute(raw, values), type: source.type };
  }
  if ('definition' in source) {
    const { definition: d, type } = source as { definition: object | string; type?: 'STANDARD' | 'EXPRESS' };
    return { text: typeof d === 'string' ? d : JSON.stringify(d), type };
  }
  return { text: JSON.stringify(source) };
}

function parseOutput(text: string | null): JsonValue | undefined {
  return text === null ? undefined : (JSON.parse(text) as JsonValue);
}

/**
 * Starts a test environment: an engine on a virtual clock in this process, the Step Functions API
 * on a free local port, and the real `SFNClient` pointed at it. Call `teardown()` when done.
 *
 * Caveats: time skips only while the test awaits the environment (not while it awaits its own
 * promises); an execution that waits on a task token nothing will answer makes
 * `waitForExecution` reject instead of hanging.
 *
 * @example
 * const env = await createTestEnvironment({
 *   stateMachines: { etl: { file: 'asl/etl.asl.json', substitutions: { PollFunctionArn: 'poll' } } },
 *   functions: { poll: 'handlers/poll/index.ts#handler' },
 * });
 * const execution = await env.startAndWait('etl', { reportId: 'r-1' });
 * expect(execution.status).toBe('SUCCEEDED');
 * await env.teardown();
 */
export async function createTestEnvironment(opts: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
  const startTime = opts.startTime instanceof Date ? opts.startTime.getTime() : opts.startTime ?? DEFAULT_START_MS;
  const scheduler = new VirtualScheduler(startTime);
  let ids = 0;
  const uuid = () => `00000000-0000-4000-8000-${(++ids).toString(16).padStart(12, '0')}`;
  const gate = new ClockGate(scheduler);
  const coverageOpt = opts.coverage ?? process.env.LONGHAUL_COVERAGE === 'all';
  const coverage = coverageOpt === false ? undefined : coverageOpt === true ? coverageDir() : coverageOpt.dir;

  let engine: Engine;
  let endpoint: string;
  let stop: () => Promise<void>;
  let clients: LocalClients | undefined;
  if (opts.app) {
    const [{ startCloudApp }, { LocalClients }] = await Promise.all([import('../local/cloudformation/run.ts'), import('../local/services/clients.ts')]);
    const source = typeof opts.app === 'string' ? { app: opts.app } : opts.app;
    const { stack } = await startCloudApp({ ...source, scheduler, onLambdaLog: () => {} });
    engine = stack.engine;
    endpoint = stack.api.url;
    clients = new LocalClients(stack.services.endpoint, { dynamodb: stack.dynamodb.endpoint });
    stop = () => stack.stop();
  } else if (opts.localStack) {
    // loaded only when asked for: the services it brings take a third of a second to import
    const [{ startLocalStack }, { LocalClients }] = await Promise.all([import('../local/stack.ts'), import('../local/services/clients.ts')]);
    const stack = await startLocalStack({ scheduler, config: opts.localStack === true ? {} : opts.localStack, configDir: process.cwd(), onLambdaLog: () => {} });
    engine = stack.engine;
    endpoint = stack.api.url;
    clients = new LocalClients(stack.services.endpoint, { dynamodb: stack.dynamodb.endpoint });
    stop = () => stack.stop();
  } else {
    engine = new Engine({ database: ':memory:', scheduler, uuid, random: opts.random ?? (() => 0.5) });
    const api = await startApiServer({ engine, consoleDir: false });
    endpoint = api.url;
    stop = async () => {
      await api.close();
      engine.close();
    };
  }
  // registered last, so asked first: the test's own functions win over the stack's
  if (opts.functions) engine.integrations.register(new TestFunctions(opts.functions, scheduler, uuid));
  if (opts.standIns) {
    engine.integrations.register(new StandIns({ standIns: opts.standIns, scheduler, tokens: engine }));
    engine.integrations.explainUnsupported(missingStandInMessage);
  }
  if (opts.mockConfig) {
    engine.integrations.intercept(mockedResponses(typeof opts.mockConfig === 'string' ? loadMockConfig(opts.mockConfig) : checkMockConfig(opts.mockConfig)));
  }

  const sfn = new SFNClient({ endpoint, region: engine.region, credentials: CREDENTIALS });
  const arnOf = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:states:${engine.region}:${engine.accountId}:stateMachine:${name}`);

  const describe = (executionArn: string): Execution => {
    const row = engine.describeExecution(executionArn);
    return {
      executionArn,
      status: row.status as ExecutionStatus,
      output: parseOutput(row.output),
      error: row.error ?? undefined,
      cause: row.cause ?? undefined,
      startMs: row.startMs,
      stopMs: row.stopMs ?? undefined,
      history: engine.history(executionArn),
    };
  };
  const running = (executionArn: string) => engine.describeExecution(executionArn).status === 'RUNNING';

  const env: TestEnvironment = {
    sfn,
    s3: clients?.s3(engine.region),
    sqs: clients?.sqs(engine.region),
    dynamodb: clients?.dynamodb(engine.region),
    endpoint,
    engine,
    stateMachineArn: arnOf,
    createStateMachine: (name, source) => gate.work(async () => {
      const { text, type } = definitionText(source);
      const out = await sfn.send(new CreateStateMachineCommand({ name, definition: text, roleArn: ROLE_ARN, type }));
      return out.stateMachineArn!;
    }),
    start: (stateMachine, input = {}, startOpts = {}) => gate.work(async () => {
      const target = startOpts.testCase === undefined ? arnOf(stateMachine) : `${arnOf(stateMachine)}#${startOpts.testCase}`;
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: target, input: JSON.stringify(input), name: startOpts.name }));
      return out.executionArn!;
    }),
    waitForExecution: (executionArn) => gate.skip(async (untilIdle) => {
      const ended = engine.waitFor(executionArn);
      const stuck = new Promise<never>((_, reject) => {
        untilIdle(() => {
          if (scheduler.pendingTimers > 0 || !running(executionArn)) return false;
          const tokens = engine.pendingWork(executionArn).tokens;
          reject(new Error(`${executionArn} waits on ${tokens.length > 0 ? `the task token of ${tokens.map((t) => t.stateName).join(', ')}` : 'something'} and nothing else can happen: answer it (env.pendingTokens, env.sendTaskSuccess) before waiting for the result`));
          return true;
        });
      });
      await Promise.race([ended, stuck]);
      return describe(executionArn);
    }),
    startAndWait: async (stateMachine, input, startOpts) => env.waitForExecution(await env.start(stateMachine, input, startOpts)),
    pendingTokens: (executionArn, stateName) => gate.skip((untilIdle) => new Promise<PendingToken[]>((resolveTokens) => {
      untilIdle(() => {
        const tokens = engine.pendingWork(executionArn).tokens.filter((t) => stateName === undefined || t.stateName === stateName);
        if (tokens.length === 0 && running(executionArn) && scheduler.pendingTimers > 0) return false;
        resolveTokens(tokens);
        return true;
      });
    })),
    sendTaskSuccess: (taskToken, output = {}) => gate.work(async () => {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    }),
    sendTaskFailure: (taskToken, error, cause) => gate.work(async () => {
      await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
    }),
    sendTaskHeartbeat: (taskToken) => gate.work(async () => {
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    }),
    sleep: (ms) => gate.skip(() => scheduler.sleepUntil(scheduler.now() + ms).promise),
    now: () => scheduler.now(),
    teardown: async () => {
      gate.close();
      if (coverage) collectEngine(engine, coverage);
      sfn.destroy();
      clients?.destroy();
      await stop();
    },
  };
  try {
    for (const [name, source] of Object.entries(opts.stateMachines ?? {})) await env.createStateMachine(name, source);
  } catch (e) {
    // the caller gets no environment to tear down: leave no server listening behind
    await env.teardown();
    throw e;
  }
  return env;
}

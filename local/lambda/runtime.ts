/**
 * The local Lambda runtime: functions registered by name run from their TypeScript or JavaScript
 * modules as Lambda runs them, each instance in its own sandbox process.
 *
 * - Warm instances are reused (most recently used first), so module state leaks between the
 *   invocations of one instance exactly as on Lambda; each concurrent invocation beyond the warm
 *   ones gets a cold instance, up to the function's concurrency; further invocations queue.
 * - The function's timeout is enforced: the invocation fails with `Sandbox.Timedout` and the
 *   instance is discarded. A crash (uncaught exception, unhandled rejection, `process.exit`, heap
 *   exhausted) fails the invocation with the Node.js runtime's error type and discards it too.
 * - The sandbox sees the function's environment plus what Lambda sets (`AWS_REGION`,
 *   `AWS_LAMBDA_FUNCTION_NAME`..., dummy credentials) and `AWS_ENDPOINT_URL*` for the local
 *   endpoints the caller passes, so the AWS SDK inside a handler reaches the local stack unchanged.
 * - Idle instances are reaped after `idleTimeoutMs`; `close()` kills every instance.
 * - While a function runs, the engine's scheduler has work open (`beginWork`): a virtual clock
 *   never jumps under a running function.
 * - `Date.now()`, `new Date()` and `Date()` inside a function read the engine's clock (on a
 *   virtual clock: its time when the invocation starts, running on in real time while the handler
 *   works), so a handler checking a signed timestamp agrees with the engine. Timers inside a
 *   handler (`setTimeout`) keep real time.
 *
 * It is a TaskIntegration (plain Lambda ARNs and `arn:aws:states:::lambda:invoke[.waitForTaskToken]`)
 * and answers Lambda's Invoke API through `invoke(name, payload)`.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../../engine/json.ts';
import { RealScheduler, type Scheduler } from '../../engine/runtime/clock.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import { functionArn } from './arn.ts';
import { readFunctionsConfig, resolveFunctionConfig, type FunctionConfig, type ResolvedFunction } from './config.ts';
import { FunctionNotFound, RuntimeClosed } from './errors.ts';
import { FunctionInstance, type InstanceOutcome, type LogLine } from './instance.ts';
import { dispatchByType, lambdaTaskFlavor, runLambdaTask, type FunctionCall, type InvocationType, type InvokeResult, type LambdaInvoker } from './task.ts';

export type { LogLine } from './instance.ts';

/** Credentials every sandbox gets: dummies, which local endpoints accept. */
export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface LambdaRuntimeOptions {
  /** functions by name, configured in code (handler paths relative to `baseDir`) */
  functions?: Record<string, FunctionConfig>;
  /** a functions file (`{ "functions": { ... } }`, handler paths relative to the file) */
  configFile?: string;
  /** the folder relative handler paths of `functions` and `register` resolve against (default: cwd) */
  baseDir?: string;
  /** the engine's scheduler: work stays open on it while a function runs (default: a real clock) */
  scheduler?: Scheduler;
  region?: string;
  accountId?: string;
  /**
   * Endpoints the AWS SDK inside a handler should reach, keyed by the SDK's service id:
   * `default` becomes `AWS_ENDPOINT_URL`, any other key `AWS_ENDPOINT_URL_<KEY>` (`S3`, `SQS`,
   * `SNS`, `SFN` for Step Functions, `LAMBDA`, `SESV2`, `EventBridge`...).
   */
  endpoints?: Record<string, string>;
  /** default: accessKeyId and secretAccessKey `test`, sessionToken `test` */
  credentials?: SandboxCredentials;
  /** how long an idle instance stays warm (default 5 minutes) */
  idleTimeoutMs?: number;
  /**
   * Deliver every invocation twice, to prove handlers idempotent. The first delivery runs to its
   * end; if it fails, its failure is the answer (there was no duplicate to make); otherwise the
   * second delivery (its own request id, usually on the same warm instance) runs and its outcome,
   * success or failure, is the answer.
   */
  duplicateDelivery?: boolean;
  /** where sandbox output goes (default: this process's stderr, each line prefixed with the function name) */
  onLog?: (line: LogLine) => void;
  /** request ids (default randomUUID) */
  uuid?: () => string;
  /**
   * Whether `Date` inside the sandboxes reads the scheduler's clock (default: when the scheduler
   * is virtual; on the real clock it is the wall clock either way). Timers keep real time.
   */
  engineClock?: boolean;
}

/** How a function's instances stand. */
export interface FunctionStats {
  /** live instances, idle or busy */
  instances: number;
  idle: number;
  busy: number;
  /** invocations waiting for an instance */
  queued: number;
}

/** Options of one `invoke(name, payload)` call. */
export interface InvokeOptions {
  invocationType?: InvocationType;
  qualifier?: string;
}

interface Waiter {
  resolve(instance: FunctionInstance): void;
  reject(e: Error): void;
}

/** The instances of one function: warm ones to reuse, a concurrency bound, a queue beyond it. */
class FunctionPool {
  readonly fn: ResolvedFunction;
  private readonly idle: FunctionInstance[] = [];
  private readonly live = new Set<FunctionInstance>();
  private readonly waiting: Waiter[] = [];
  private readonly reapers = new Map<FunctionInstance, NodeJS.Timeout>();
  private readonly spawn: (pool: FunctionPool) => FunctionInstance;
  private readonly idleTimeoutMs: number;
  private closed = false;
  /** replaced by a new configuration: serves what it has queued, then lets its instances go */
  private retired = false;

  constructor(fn: ResolvedFunction, spawn: (pool: FunctionPool) => FunctionInstance, idleTimeoutMs: number) {
    this.fn = fn;
    this.spawn = spawn;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  acquire(): Promise<FunctionInstance> {
    if (this.closed) return Promise.reject(new RuntimeClosed());
    while (this.idle.length > 0) {
      const warm = this.idle.pop()!;
      this.unreap(warm);
      if (warm.alive) return Promise.resolve(warm);
    }
    if (this.live.size < this.fn.concurrency) return Promise.resolve(this.start());
    return new Promise<FunctionInstance>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Gives an instance back after an invocation: to the next in the queue, or to the warm ones. */
  release(instance: FunctionInstance): void {
    if (this.closed) return;
    if (!instance.alive) {
      this.forget(instance);
      // the discarded instance's slot goes to the next waiting invocation, on a cold instance
      if (this.waiting.length > 0 && this.live.size < this.fn.concurrency) this.waiting.shift()!.resolve(this.start());
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      next.resolve(instance);
      return;
    }
    if (this.retired) {
      instance.kill();
      return;
    }
    instance.hold(false);
    this.idle.push(instance);
    const reaper = setTimeout(() => {
      this.reapers.delete(instance);
      const i = this.idle.indexOf(instance);
      if (i >= 0) this.idle.splice(i, 1);
      instance.kill();
    }, this.idleTimeoutMs);
    reaper.unref();
    this.reapers.set(instance, reaper);
  }

  /** An instance has gone (reaped, crashed, killed). */
  forget(instance: FunctionInstance): void {
    this.unreap(instance);
    this.live.delete(instance);
    const i = this.idle.indexOf(instance);
    if (i >= 0) this.idle.splice(i, 1);
  }

  stats(): FunctionStats {
    return { instances: this.live.size, idle: this.idle.length, busy: this.live.size - this.idle.length, queued: this.waiting.length };
  }

  /** Stops keeping instances warm: the idle ones go now, the busy ones once the queue is empty. */
  retire(): void {
    this.retired = true;
    for (const instance of this.idle.splice(0)) {
      this.unreap(instance);
      instance.kill();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new RuntimeClosed());
    for (const r of this.reapers.values()) clearTimeout(r);
    this.reapers.clear();
    await Promise.all([...this.live].map((i) => i.shutdown()));
  }

  private start(): FunctionInstance {
    const instance = this.spawn(this);
    this.live.add(instance);
    return instance;
  }

  private unreap(instance: FunctionInstance): void {
    const r = this.reapers.get(instance);
    if (r) clearTimeout(r);
    this.reapers.delete(instance);
  }
}

function defaultLog(line: LogLine): void {
  process.stderr.write(`[lambda ${line.functionName}] ${line.line}\n`);
}

/**
 * The environment variables that point the AWS SDK at local endpoints.
 *
 * @example
 * endpointVariables({ default: 'http://127.0.0.1:4566', SFN: 'http://127.0.0.1:8083' });
 * // { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:8083' }
 */
export function endpointVariables(endpoints: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [service, url] of Object.entries(endpoints)) {
    vars[service === 'default' ? 'AWS_ENDPOINT_URL' : `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[ -]/g, '_')}`] = url;
  }
  return vars;
}

/**
 * Runs Lambda functions locally, each instance in a sandbox process.
 *
 * @example
 * const runtime = new LambdaRuntime({
 *   scheduler: engine.scheduler,
 *   configFile: 'longhaul.functions.json',
 *   endpoints: { default: 'http://127.0.0.1:4566', SFN: 'http://127.0.0.1:8083' },
 * });
 * engine.integrations.register(runtime);
 * const { payload } = await runtime.invoke('poll-report', { reportId: 'q3' });
 * await runtime.close();
 */
export class LambdaRuntime implements TaskIntegration, LambdaInvoker {
  private readonly pools = new Map<string, FunctionPool>();
  /** pools of replaced configurations, which may still be finishing invocations */
  private readonly retired = new Set<FunctionPool>();
  private readonly scheduler: Scheduler;
  private readonly region: string;
  private readonly accountId: string;
  private readonly baseDir: string;
  private readonly endpoints: Record<string, string>;
  private readonly credentials: SandboxCredentials;
  private readonly idleTimeoutMs: number;
  private readonly duplicateDelivery: boolean;
  private readonly onLog: (line: LogLine) => void;
  private readonly uuid: () => string;
  private readonly engineClock: boolean;
  private closed = false;

  constructor(opts: LambdaRuntimeOptions = {}) {
    this.scheduler = opts.scheduler ?? new RealScheduler();
    this.region = opts.region ?? 'us-east-1';
    this.accountId = opts.accountId ?? '123456789012';
    this.baseDir = opts.baseDir ?? process.cwd();
    this.endpoints = { ...opts.endpoints };
    this.credentials = opts.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'test' };
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5 * 60_000;
    this.duplicateDelivery = opts.duplicateDelivery ?? false;
    this.onLog = opts.onLog ?? defaultLog;
    this.uuid = opts.uuid ?? randomUUID;
    this.engineClock = opts.engineClock ?? this.scheduler.virtual;
    if (opts.configFile) for (const fn of readFunctionsConfig(opts.configFile)) this.add(fn);
    for (const [name, config] of Object.entries(opts.functions ?? {})) this.register(name, config);
  }

  /**
   * Registers (or replaces) a function. Invocations already running or queued under a replaced
   * configuration finish on its instances, which then go; new ones start on the new configuration.
   * Throws InvalidFunctionConfig for a configuration Lambda would refuse.
   */
  register(name: string, config: FunctionConfig): ResolvedFunction {
    const fn = resolveFunctionConfig(name, config, this.baseDir);
    this.add(fn);
    return fn;
  }

  /** The registered function names. */
  functionNames(): string[] {
    return [...this.pools.keys()];
  }

  /** How a function's instances stand (undefined for an unknown function). */
  stats(name: string): FunctionStats | undefined {
    return this.pools.get(name)?.stats();
  }

  flavor(resource: string): TaskFlavor | undefined {
    return lambdaTaskFlavor(resource);
  }

  /** Runs a Task state's Lambda invocation (TaskIntegration). */
  invoke(request: TaskRequest): Promise<JsonValue>;
  /**
   * Invokes a function by name, as Lambda's Invoke API does: the answer carries the response
   * payload's text, and `functionError` when it is the function's error payload. Rejects with
   * FunctionNotFound for an unknown name.
   */
  invoke(name: string, payload?: JsonValue, options?: InvokeOptions): Promise<InvokeResult>;
  invoke(target: TaskRequest | string, payload?: JsonValue, options: InvokeOptions = {}): Promise<JsonValue> | Promise<InvokeResult> {
    if (typeof target !== 'string') return runLambdaTask(target, this, { now: () => this.scheduler.now(), uuid: this.uuid });
    return this.invokeFunction({
      name: target,
      qualifier: options.qualifier,
      payload: JSON.stringify(payload ?? {}),
      invocationType: options.invocationType,
      region: this.region,
      accountId: this.accountId,
    });
  }

  async invokeFunction(call: FunctionCall): Promise<InvokeResult> {
    const requestId = this.uuid();
    const pool = this.pools.get(call.name);
    if (!pool) throw new FunctionNotFound(functionArn(call.name, call.region, call.accountId, call.qualifier ?? '$LATEST'), requestId);
    const arn = functionArn(call.name, call.region, call.accountId, call.qualifier);
    const run = () => this.deliver(pool, call.payload, arn, requestId);
    // nothing waits for an asynchronous invocation: its failure goes to the function's log
    const logFailure = (what: string) => this.onLog({ functionName: call.name, logStreamName: '-', stream: 'stderr', line: `asynchronous invocation ${requestId} failed: ${what}` });
    const runAsync = async () => {
      const result = await run();
      if (result.functionError) logFailure(result.payload);
      return result;
    };
    return dispatchByType(call.invocationType, requestId, call.invocationType === 'Event' ? runAsync : run, (e) => logFailure(String(e)));
  }

  /** Kills every instance; queued and running invocations reject with RuntimeClosed. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values(), ...this.retired].map((p) => p.close()));
  }

  private add(fn: ResolvedFunction): void {
    if (this.closed) throw new RuntimeClosed();
    const old = this.pools.get(fn.name);
    this.pools.set(fn.name, new FunctionPool(fn, (pool) => this.spawn(pool), this.idleTimeoutMs));
    if (old) {
      old.retire();
      this.retired.add(old);
    }
  }

  private async deliver(pool: FunctionPool, payload: string, arn: string, requestId: string): Promise<InvokeResult> {
    const first = await this.once(pool, payload, arn, requestId);
    if (!this.duplicateDelivery || first.functionError) return first;
    return this.once(pool, payload, arn, this.uuid());
  }

  private async once(pool: FunctionPool, payload: string, arn: string, requestId: string): Promise<InvokeResult> {
    // real work in flight: a virtual clock must not jump while the function runs (or waits for an instance)
    const done = this.scheduler.beginWork();
    try {
      const instance = await pool.acquire();
      let outcome: InstanceOutcome;
      try {
        outcome = await instance.invoke(requestId, payload, arn);
      } finally {
        pool.release(instance);
      }
      return outcome.ok
        ? { requestId, statusCode: 200, executedVersion: '$LATEST', payload: outcome.text }
        : { requestId, statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled', payload: JSON.stringify(outcome.error) };
    } finally {
      done();
    }
  }

  private spawn(pool: FunctionPool): FunctionInstance {
    const fn = pool.fn;
    const day = new Date(this.scheduler.now()).toISOString().slice(0, 10).replace(/-/g, '/');
    const logStreamName = `${day}/[$LATEST]${this.uuid().replace(/-/g, '')}`;
    return new FunctionInstance({
      fn,
      logStreamName,
      env: this.environment(fn, logStreamName),
      onLog: this.onLog,
      onExit: (instance) => pool.forget(instance),
      ...(this.engineClock ? { engineNow: () => this.scheduler.now() } : {}),
    });
  }

  /** A sandbox's whole environment: Lambda's own variables win over the function's. */
  private environment(fn: ResolvedFunction, logStreamName: string): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...endpointVariables(this.endpoints),
      ...fn.environment,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: this.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      _HANDLER: fn.handlerSpec,
      LAMBDA_TASK_ROOT: dirname(fn.modulePath),
      LAMBDA_RUNTIME_DIR: dirname(fileURLToPath(import.meta.url)),
    };
    if (this.credentials.sessionToken !== undefined) env.AWS_SESSION_TOKEN = this.credentials.sessionToken;
    return env;
  }
}

/**
 * Stand-ins: project modules that answer for the services the local stack cannot run (Glue,
 * Athena, Batch, ECS, Bedrock, SageMaker...), on the engine's clock.
 *
 * A project maps resource patterns to modules (`"standIns"` in longhaul.config.json, `--stand-in`
 * for `longhaul exec`). A pattern matches the resource as AWS names it in history,
 * `resourceType:resource`: `glue:startJobRun.sync`, `ecs:runTask.waitForTaskToken`,
 * `aws-sdk:athena:startQueryExecution`; `*` matches any run of characters (`sagemaker:*`).
 * A pattern without a `*` wins over one with; among wildcard patterns the first declared wins.
 *
 * The module exports `handler(parameters, context)`, which answers the task's result or throws an
 * Error whose `name` is the AWS error name (`Glue.ConcurrentRunsExceededException`) and whose
 * message becomes the cause. The integration patterns keep their meaning:
 * - request-response: the answer is the task's result;
 * - `.sync`: the handler is the whole job. `context.submitted(answer)` records TaskSubmitted with
 *   the start request's answer; the handler then waits on `context.sleep(ms)` (virtual time) and
 *   answers the job's end, the task's result;
 * - `.waitForTaskToken`: the answer is the start request's (TaskSubmitted); the task waits for its
 *   token, which the stand-in answers later with `context.sendTaskSuccess(output)` (or
 *   `sendTaskFailure`), or anything else with the token does through the API.
 *
 * Caveat: while the handler runs, the virtual clock holds still, except inside `context.sleep`;
 * a handler that sleeps and does real I/O at the same time may see the clock jump during the I/O.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JsonValue } from '../../engine/json.ts';
import type { Scheduler } from '../../engine/runtime/clock.ts';
import { TaskFailure, flavorOfArn, type TaskFlavor, type TaskIntegration, type TaskRequest } from '../../engine/runtime/integrations.ts';
import { importHandlerModule } from '../lambda/handler-call.ts';

/** What a stand-in's handler gets besides the task's parameters. */
export interface StandInContext {
  /** the resource as AWS names it in history: `glue:startJobRun.sync` */
  resource: string;
  stateName: string;
  executionArn: string;
  /** the task token of a `.waitForTaskToken` task */
  taskToken?: string;
  /**
   * aborted when the state times out or the execution stops while the handler runs; what a
   * `.waitForTaskToken` stand-in leaves running after its answer is not aborted (an answer to a
   * token that no longer waits fails)
   */
  signal: AbortSignal;
  /** the engine's clock (virtual epoch milliseconds under `exec` and the test environments) */
  now(): number;
  /** resolves after `ms` on the engine's clock; rejects when `signal` aborts */
  sleep(ms: number): Promise<void>;
  /** `.sync`: the job started; history records TaskSubmitted with `answer` */
  submitted(answer: JsonValue): void;
  /** `.waitForTaskToken`: SendTaskSuccess for this task's token */
  sendTaskSuccess(output: JsonValue): void;
  /** `.waitForTaskToken`: SendTaskFailure for this task's token */
  sendTaskFailure(error: string, cause?: string): void;
  /** `.waitForTaskToken`: SendTaskHeartbeat for this task's token */
  sendTaskHeartbeat(): void;
}

export type StandInHandler = (parameters: JsonValue, context: StandInContext) => JsonValue | undefined | Promise<JsonValue | undefined>;

/** What answers a task token: the engine (`engine.sendTaskSuccess`...). */
export interface TokenAnswers {
  sendTaskSuccess(token: string, output: string): void;
  sendTaskFailure(token: string, error?: string, cause?: string): void;
  sendTaskHeartbeat(token: string): void;
}

export interface StandInsOptions {
  /** pattern → module path (`file.mjs` or `file.mjs#exportName`, default export name `handler`) */
  standIns: Record<string, string>;
  /** where relative module paths start (the config file's folder) */
  baseDir?: string;
  scheduler: Scheduler;
  tokens: TokenAnswers;
}

/** A stand-in declaration that cannot work: its module file is missing, or its pattern is empty. */
export class StandInConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StandInConfigError';
  }
}

/**
 * The resource as AWS names it in history (`resourceType:resource`), or undefined for a Lambda
 * function ARN or an ARN that names no service integration.
 *
 * @example
 * awsResourceName('arn:aws:states:::glue:startJobRun.sync') // 'glue:startJobRun.sync'
 */
export function awsResourceName(resource: string): string | undefined {
  const f = flavorOfArn(resource);
  return f?.kind === 'service' ? `${f.resourceType}:${f.resource}` : undefined;
}

/**
 * Whether `pattern` matches an AWS resource name; `*` matches any run of characters.
 *
 * @example
 * patternMatches('glue:*', 'glue:startJobRun.sync') // true
 * patternMatches('glue:startJobRun', 'glue:startJobRun.sync') // false: the pattern names the request-response call
 */
export function patternMatches(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * The message of a Task whose resource nothing runs locally: it names the config key and a module
 * to write, so that the fix is in the error.
 */
export function missingStandInMessage(resource: string): string {
  const name = awsResourceName(resource);
  if (name === undefined) return `The resource '${resource}' is not supported by this engine.`;
  const file = `standins/${name.replace(/^aws-sdk:/, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}.mjs`;
  return `The resource '${resource}' (${name}) has neither a local emulator nor a stand-in. `
    + `Declare one in longhaul.config.json, "standIns": { "${name}": "${file}" } (or \`longhaul exec --stand-in '${name}=${file}'\`), `
    + `where ${file} exports async function handler(parameters, context) returning the task's result; `
    + 'or mock the state with a Step Functions Local MockConfigFile (SFN_MOCK_CONFIG, --mock-config). See README, "What runs locally".';
}

/** Errors a handler throws become task failures named after the error (`error.name`), cause its message. */
function asTaskFailure(thrown: unknown): TaskFailure {
  if (thrown instanceof TaskFailure) return thrown;
  if (thrown instanceof Error) return new TaskFailure(thrown.name, thrown.message, { cause: thrown });
  return new TaskFailure('Error', typeof thrown === 'string' ? thrown : JSON.stringify(thrown ?? null));
}

/**
 * The TaskIntegration that runs a project's stand-ins.
 *
 * @example
 * engine.integrations.register(new StandIns({
 *   standIns: { 'glue:startJobRun.sync': 'standins/glue-job.mjs' }, baseDir: configDir,
 *   scheduler: engine.scheduler, tokens: engine,
 * }));
 */
export class StandIns implements TaskIntegration {
  private readonly exact = new Map<string, string>();
  private readonly wildcards: [string, string][] = [];
  private readonly loaded = new Map<string, Promise<StandInHandler>>();
  private readonly opts: StandInsOptions;

  constructor(opts: StandInsOptions) {
    this.opts = opts;
    for (const [pattern, spec] of Object.entries(opts.standIns)) {
      if (pattern.trim() === '') throw new StandInConfigError('a stand-in pattern is empty');
      const [file, exported = 'handler'] = spec.split('#');
      const path = resolve(opts.baseDir ?? process.cwd(), file);
      if (!existsSync(path)) throw new StandInConfigError(`the stand-in for ${pattern}: no file ${path}`);
      const full = `${path}#${exported}`;
      if (pattern.includes('*')) this.wildcards.push([pattern, full]);
      else this.exact.set(pattern, full);
    }
  }

  /** the module (`path#export`) that answers for `resource`, if any */
  moduleFor(resource: string): string | undefined {
    const name = awsResourceName(resource);
    if (name === undefined) return undefined;
    return this.exact.get(name) ?? this.wildcards.find(([p]) => patternMatches(p, name))?.[1];
  }

  flavor(resource: string): TaskFlavor | undefined {
    return this.moduleFor(resource) === undefined ? undefined : flavorOfArn(resource);
  }

  async invoke(request: TaskRequest): Promise<JsonValue> {
    const spec = this.moduleFor(request.resource);
    if (spec === undefined) throw new TaskFailure('States.Runtime', missingStandInMessage(request.resource));
    const { scheduler, tokens } = this.opts;
    // the handler's own work holds the clock; its sleeps let it move
    let done: (() => void) | undefined = scheduler.beginWork();
    let settled = false;
    // a waiting execution may rest in the store, which aborts its task's signal: the work a
    // .waitForTaskToken stand-in leaves running after its answer must outlive that
    const live = new AbortController();
    const forward = () => live.abort(request.signal.reason);
    if (request.signal.aborted) forward();
    else request.signal.addEventListener('abort', forward, { once: true });
    const token = request.taskToken;
    const needToken = (): string => {
      if (token === undefined) throw new Error(`${awsResourceName(request.resource)} is not a .waitForTaskToken task: it has no token to answer`);
      return token;
    };
    const context: StandInContext = {
      resource: awsResourceName(request.resource)!,
      stateName: request.stateName,
      executionArn: request.executionArn,
      taskToken: token,
      signal: live.signal,
      now: () => scheduler.now(),
      sleep: (ms) => this.sleep(ms, live.signal, {
        release: () => {
          done?.();
          done = undefined;
        },
        hold: () => {
          if (!settled && done === undefined) done = scheduler.beginWork();
        },
      }),
      submitted: (answer) => request.submitted?.(answer ?? null),
      sendTaskSuccess: (output) => tokens.sendTaskSuccess(needToken(), JSON.stringify(output ?? null)),
      sendTaskFailure: (error, cause) => tokens.sendTaskFailure(needToken(), error, cause),
      sendTaskHeartbeat: () => tokens.sendTaskHeartbeat(needToken()),
    };
    try {
      const handler = await this.handler(spec);
      const result = await handler(structuredClone(request.parameters), context);
      return result === undefined ? null : result;
    } catch (e) {
      throw asTaskFailure(e);
    } finally {
      settled = true;
      request.signal.removeEventListener('abort', forward);
      done?.();
    }
  }

  private sleep(ms: number, signal: AbortSignal, work: { release(): void; hold(): void }): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const { promise, handle } = this.opts.scheduler.sleepUntil(this.opts.scheduler.now() + Math.max(0, ms));
    work.release();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        handle.cancel();
        work.hold();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        work.hold();
        resolve();
      });
    });
  }

  private handler(spec: string): Promise<StandInHandler> {
    let h = this.loaded.get(spec);
    if (!h) {
      const [path, exported] = spec.split('#');
      const done = this.opts.scheduler.beginWork();
      h = importHandlerModule(pathToFileURL(path).href)
        .then((mod) => {
          const fn = mod[exported];
          if (typeof fn !== 'function') throw new TaskFailure('States.Runtime', `The stand-in ${path} exports no function ${exported}`);
          return fn as StandInHandler;
        })
        .finally(done);
      this.loaded.set(spec, h);
    }
    return h;
  }
}

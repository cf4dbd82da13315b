/**
 * The pluggable task integration interface: how a Task state's Resource is run.
 *
 * The interpreter asks an integration how the task shows in history (`flavor`) and runs it
 * (`invoke`). Lambda functions and the AWS service integrations implement it (local/); the engine
 * itself knows none of them.
 */
import type { JsonValue } from '../json.ts';
import { ExecutionError } from '../errors.ts';
import { flavorPattern, parseResourceArn } from '../definition/resource-arn.ts';

/**
 * How a task shows in history: as `LambdaFunction*` events (a plain Lambda ARN), `Activity*` events
 * (an activity ARN: the engine's own integration, runtime/activities.ts) or `Task*` events.
 */
export type TaskFlavor =
  | { kind: 'lambda'; resource: string }
  | { kind: 'activity'; resource: string }
  | { kind: 'service'; resource: string; resourceType: string; pattern: 'request' | 'sync' | 'waitForTaskToken' };

export interface TaskRequest {
  /** the Resource as written in the definition */
  resource: string;
  /** the effective parameters (Parameters/Arguments, or the effective input) */
  parameters: JsonValue;
  region: string;
  accountId: string;
  executionArn: string;
  /** the state machine's name (set by the interpreter; optional for callers outside it) */
  stateMachineName?: string;
  stateName: string;
  /** the test case named by a `#TestCase` suffix at StartExecution (mocked integrations) */
  testCase?: string;
  /** set for `.waitForTaskToken` tasks: the token the callback must send back */
  taskToken?: string;
  timeoutSeconds?: number;
  /**
   * A `.sync` task calls this once the job is submitted (its start request answered); history
   * records TaskSubmitted with that answer while the task waits for the job's end.
   */
  submitted?(output: JsonValue): void;
  /**
   * The integration's answer is the task's result itself: a `.waitForTaskToken` task waits for no
   * token (a mocked response, as Step Functions Local answers a mocked callback task).
   */
  answeredInFull?(): void;
  /** aborted when the state times out or the execution stops */
  signal: AbortSignal;
}

export interface TaskIntegration {
  /** `undefined` when this integration does not handle the resource */
  flavor(resource: string): TaskFlavor | undefined;
  invoke(request: TaskRequest): Promise<JsonValue>;
  /** Why a Task whose resource no integration runs cannot run, and how to make it run. */
  unsupported?(resource: string): string;
}

/** A task that failed with an error name and cause text, as the service reported it. */
export class TaskFailure extends ExecutionError {}

/**
 * Answers a task instead of its integration (a mocked response), or returns undefined to let
 * the integration run it.
 */
export type TaskInterceptor = (request: TaskRequest) => Promise<JsonValue> | undefined;

/**
 * Tries each integration in turn; the first whose `flavor` accepts a resource runs it. Interceptors
 * (mocked responses) come first; with one installed, a resource no integration knows still gets
 * AWS's flavour for its ARN, so a mock can stand in for a service the local stack lacks.
 */
export class IntegrationRegistry implements TaskIntegration {
  private readonly list: TaskIntegration[] = [];
  private readonly interceptors: TaskInterceptor[] = [];
  private explain = (resource: string) => `The resource '${resource}' is not supported by this engine.`;

  intercept(interceptor: TaskInterceptor): this {
    this.interceptors.push(interceptor);
    return this;
  }

  /**
   * What a Task whose resource nothing runs fails with: the local stack says how to declare a
   * stand-in for it.
   */
  explainUnsupported(explain: (resource: string) => string): this {
    this.explain = explain;
    return this;
  }

  unsupported(resource: string): string {
    return this.explain(resource);
  }

  register(integration: TaskIntegration): this {
    this.list.unshift(integration);
    return this;
  }

  flavor(resource: string): TaskFlavor | undefined {
    for (const i of this.list) {
      const f = i.flavor(resource);
      if (f) return f;
    }
    return this.interceptors.length > 0 ? flavorOfArn(resource) : undefined;
  }

  invoke(request: TaskRequest): Promise<JsonValue> {
    for (const intercept of this.interceptors) {
      const answer = intercept(request);
      if (answer) {
        request.answeredInFull?.();
        return answer;
      }
    }
    for (const i of this.list) {
      if (i.flavor(request.resource)) return i.invoke(request);
    }
    return Promise.reject(new TaskFailure('States.Runtime', this.explain(request.resource)));
  }
}

/**
 * How AWS shows a task in history, from its Resource ARN alone.
 *
 * @example
 * flavorOfArn('arn:aws:states:::aws-sdk:s3:putObject') // { kind: 'service', resourceType: 'aws-sdk:s3', resource: 'putObject', pattern: 'request' }
 * flavorOfArn('arn:aws:states:::states:startExecution.sync:2') // { kind: 'service', resourceType: 'states', resource: 'startExecution.sync:2', pattern: 'sync' }
 */
export function flavorOfArn(resource: string): TaskFlavor | undefined {
  const r = parseResourceArn(resource);
  if (r === undefined) return undefined;
  if (r.kind === 'lambda') return { kind: 'lambda', resource };
  // what only a mock answers (no activity integration) shows as a task
  if (r.kind === 'activity') return { kind: 'service', resourceType: 'activity', resource: r.name, pattern: 'request' };
  return { kind: 'service', resourceType: r.resourceType, resource: r.resource, pattern: flavorPattern(r.pattern) };
}

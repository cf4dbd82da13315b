/**
 * The pluggable task integration interface: how a Task state's Resource is run.
 *
 * The interpreter asks an integration how the task shows in history (`flavor`) and runs it
 * (`invoke`). Lambda functions and the AWS service integrations implement it (local/); the engine
 * itself knows none of them.
 */
import type { JsonValue } from '../json.ts';
import { ExecutionError } from '../errors.ts';

/** How a task shows in history: as `LambdaFunction*` events (a plain Lambda ARN) or `Task*` events. */
export type TaskFlavor =
  | { kind: 'lambda'; resource: string }
  | { kind: 'service'; resource: string; resourceType: string; pattern: 'request' | 'sync' | 'waitForTaskToken' };

export interface TaskRequest {
  /** the Resource as written in the definition */
  resource: string;
  /** the effective parameters (Parameters/Arguments, or the effective input) */
  parameters: JsonValue;
  region: string;
  accountId: string;
  executionArn: string;
  stateName: string;
  /** set for `.waitForTaskToken` tasks: the token the callback must send back */
  taskToken?: string;
  timeoutSeconds?: number;
  /** aborted when the state times out or the execution stops */
  signal: AbortSignal;
}

export interface TaskIntegration {
  /** `undefined` when this integration does not handle the resource */
  flavor(resource: string): TaskFlavor | undefined;
  invoke(request: TaskRequest): Promise<JsonValue>;
}

/** A task that failed with an error name and cause text, as the service reported it. */
export class TaskFailure extends ExecutionError {}

/** Tries each integration in turn; the first whose `flavor` accepts a resource runs it. */
export class IntegrationRegistry implements TaskIntegration {
  private readonly list: TaskIntegration[] = [];

  register(integration: TaskIntegration): this {
    this.list.unshift(integration);
    return this;
  }

  flavor(resource: string): TaskFlavor | undefined {
    for (const i of this.list) {
      const f = i.flavor(resource);
      if (f) return f;
    }
    return undefined;
  }

  invoke(request: TaskRequest): Promise<JsonValue> {
    for (const i of this.list) {
      if (i.flavor(request.resource)) return i.invoke(request);
    }
    return Promise.reject(new TaskFailure('States.Runtime', `No integration handles the resource '${request.resource}'`));
  }
}

/** Parses `arn:aws:states:::service:action[.pattern]`. */
export function parseServiceResource(resource: string): { service: string; action: string; pattern: 'request' | 'sync' | 'waitForTaskToken' } | undefined {
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  if (!m) return undefined;
  let action = m[2];
  let pattern: 'request' | 'sync' | 'waitForTaskToken' = 'request';
  if (action.endsWith('.waitForTaskToken')) {
    pattern = 'waitForTaskToken';
    action = action.slice(0, -'.waitForTaskToken'.length);
  } else if (/\.sync(:\d+)?$/.test(action)) {
    pattern = 'sync';
    action = action.replace(/\.sync(:\d+)?$/, '');
  }
  return { service: m[1], action, pattern };
}

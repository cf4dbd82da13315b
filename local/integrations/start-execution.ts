/**
 * `arn:aws:states:::states:startExecution`: a workflow starting another, on the same engine.
 *
 * - request-response: `{ExecutionArn, StartDate}` (with the SDK metadata Step Functions adds);
 * - `.sync` and `.sync:2`: waits for the child's end and returns its DescribeExecution answer
 *   (`.sync:2` with Input and Output as JSON rather than text); a child that does not succeed
 *   fails the task with `States.TaskFailed` and that answer as the cause; a parent that is stopped
 *   or times out stops the child, as Step Functions does;
 * - `.waitForTaskToken`: starts the child and waits for the token to come back.
 *
 * Dates are epoch milliseconds, as Step Functions serialises them in these results.
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../engine/json.ts';
import { ApiError, type Engine } from '../../engine/engine.ts';
import type { TaskFlavor, TaskIntegration, TaskRequest } from '../../engine/runtime/integrations.ts';
import type { ExecutionRow } from '../../engine/store/sqlite.ts';
import { asText, parametersOf, parseResource, sdkHttpMetadata, serviceFlavor } from './common.ts';
import { ChildExecutionFailure, InvalidTaskParameters, OptimizedServiceFailure } from './errors.ts';

export interface StartExecutionIntegrationOptions {
  engine: Engine;
  /** names for children started without a Name (default: random UUIDs) */
  uuid?: () => string;
}

/** Why a finished execution cannot be redriven, as DescribeExecution words it. */
function redriveStatus(row: ExecutionRow): { RedriveStatus: string; RedriveStatusReason?: string } {
  if (row.status === 'SUCCEEDED') return { RedriveStatus: 'NOT_REDRIVABLE', RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' };
  if (row.status === 'RUNNING') return { RedriveStatus: 'NOT_REDRIVABLE', RedriveStatusReason: 'Execution is RUNNING and cannot be redriven' };
  return { RedriveStatus: 'REDRIVABLE' };
}

/**
 * Starts child executions on the engine that runs the parent.
 *
 * Caveat: a child started without a Name gets a random one, so a parent resumed after a crash
 * (tasks run at least once) may start a second child; give children a Name derived from the
 * parent (`States.Format('{}-child', $$.Execution.Name)`) to make the start idempotent.
 *
 * @example
 * engine.integrations.register(new StartExecutionIntegration({ engine }));
 * // "Resource": "arn:aws:states:::states:startExecution.sync:2",
 * // "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input": { "n": 1 } }
 */
export class StartExecutionIntegration implements TaskIntegration {
  private readonly engine: Engine;
  private readonly uuid: () => string;

  constructor(opts: StartExecutionIntegrationOptions) {
    this.engine = opts.engine;
    this.uuid = opts.uuid ?? randomUUID;
  }

  flavor(resource: string): TaskFlavor | undefined {
    const r = parseResource(resource);
    if (!r || r.resourceType !== 'states' || r.action !== 'startExecution') return undefined;
    if (r.pattern === 'sync' && r.syncVersion > 2) return undefined;
    return serviceFlavor(r);
  }

  async invoke(req: TaskRequest): Promise<JsonValue> {
    const r = parseResource(req.resource)!;
    const params = parametersOf(req);
    if (typeof params.StateMachineArn !== 'string') throw new InvalidTaskParameters("The field 'StateMachineArn' is required by states:startExecution");
    const input = params.Input === undefined || params.Input === null ? '{}' : asText(params.Input);
    let started: { executionArn: string; startDate: number };
    try {
      started = this.engine.startExecution({
        stateMachineArn: params.StateMachineArn,
        name: typeof params.Name === 'string' ? params.Name : this.uuid(),
        input,
      });
    } catch (e) {
      if (e instanceof ApiError) throw sfnFailure(e, this.uuid());
      throw e;
    }
    const result: JsonObject = { ExecutionArn: started.executionArn, StartDate: started.startDate };
    const answer = {
      ...result,
      ...sdkHttpMetadata({
        requestId: this.uuid(), status: 200, contentType: 'application/x-amz-json-1.0',
        contentLength: Buffer.byteLength(JSON.stringify({ executionArn: started.executionArn, startDate: started.startDate / 1000 })),
        date: new Date(this.engine.scheduler.now()),
      }),
    };
    if (r.pattern !== 'sync') return answer;
    req.submitted?.(answer);
    await this.waitForChild(started.executionArn, req.signal);
    const row = this.engine.describeExecution(started.executionArn);
    const described = describe(row, r.syncVersion >= 2);
    if (row.status !== 'SUCCEEDED') throw new ChildExecutionFailure(JSON.stringify(described));
    return described;
  }

  /** Resolves when the child ends; when the parent task is aborted, stops the child and rejects. */
  private waitForChild(executionArn: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        try {
          this.engine.stopExecution(executionArn, 'States.Aborted', 'The parent execution stopped waiting for this one');
        } catch (e) {
          if (!(e instanceof ApiError)) throw e; // it had ended already
        }
        reject(new Error('the parent task was aborted'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.engine.waitFor(executionArn).then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e as Error);
        },
      );
    });
  }
}

/** DescribeExecution's answer, in the member names and date form of a `.sync` result. */
function describe(row: ExecutionRow, asJson: boolean): JsonObject {
  const parse = (text: string | null): JsonValue => (text === null ? null : (JSON.parse(text) as JsonValue));
  const out: JsonObject = {
    ExecutionArn: row.arn,
    Input: asJson ? parse(row.input) : row.input,
    InputDetails: { Included: true },
    Name: row.name,
  };
  if (row.status === 'SUCCEEDED') {
    out.Output = asJson ? parse(row.output) : row.output;
    out.OutputDetails = { Included: true };
  }
  if (row.error !== null) out.Error = row.error;
  if (row.cause !== null) out.Cause = row.cause;
  out.RedriveCount = row.redriveCount;
  Object.assign(out, redriveStatus(row));
  out.StartDate = row.startMs;
  out.StateMachineArn = row.stateMachineArn;
  out.Status = row.status;
  if (row.stopMs !== null) out.StopDate = row.stopMs;
  return out;
}

/** `StepFunctions.<Code>Exception`, worded as the AWS SDK for Java 1 words API errors. */
function sfnFailure(e: ApiError, requestId: string): OptimizedServiceFailure {
  return new OptimizedServiceFailure(
    `StepFunctions.${e.type.endsWith('Exception') ? e.type : `${e.type}Exception`}`,
    `${e.message} (Service: AWSStepFunctions; Status Code: ${e.status}; Error Code: ${e.type}; Request ID: ${requestId}; Proxy: null)`,
  );
}

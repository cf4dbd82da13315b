/**
 * The console's only way to the stack: the Step Functions API the AWS SDK uses (AWS JSON 1.0 over
 * fetch, on the origin that served the console), plus Longhaul's own `Longhaul.*` extensions
 * where AWS has no API (task tokens, timers, the outbox).
 */

/** An error answer, with AWS's error name (`__type` after `#`). */
export class ApiError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
    this.type = type;
  }
}

async function call<T>(target: string, body: object): Promise<T> {
  const res = await fetch(new URL('/', location.href), {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const type = String(json.__type ?? res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`);
    throw new ApiError(type.slice(type.indexOf('#') + 1), String(json.message ?? res.statusText));
  }
  return json as T;
}

const sfn = <T>(action: string, body: object) => call<T>(`AWSStepFunctions.${action}`, body);
const ext = <T>(action: string, body: object) => call<T>(`Longhaul.${action}`, body);

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface StateMachineItem {
  stateMachineArn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  /** epoch seconds */
  creationDate: number;
}

export interface StateMachineDescription extends StateMachineItem {
  definition: string;
  roleArn: string;
  status?: string;
}

export interface ExecutionItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  redriveCount?: number;
  redriveDate?: number;
}

export interface ExecutionDescription extends ExecutionItem {
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveStatus?: 'REDRIVABLE' | 'NOT_REDRIVABLE' | 'REDRIVABLE_BY_MAP_RUN';
  redriveStatusReason?: string;
}

/** A history event as GetExecutionHistory returns it: `type`, `id`, `previousEventId`, `timestamp` and one `*EventDetails` member. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: number;
  [details: string]: unknown;
}

export interface PendingToken {
  taskToken: string;
  stateName: string;
  mapIndex?: number;
}

export interface PendingTimer {
  timerId: string;
  stateName: string;
  kind: 'Wait' | 'Retry';
  fireDate: number;
  mapIndex?: number;
}

export interface OutboxEntry {
  id: string;
  channel: string;
  time: string;
  resource: string;
  executionArn: string;
  stateName: string;
  message: Record<string, unknown>;
}

export const api = {
  listStateMachines: (nextToken?: string) =>
    sfn<{ stateMachines: StateMachineItem[]; nextToken?: string }>('ListStateMachines', { maxResults: 100, nextToken }),
  describeStateMachine: (stateMachineArn: string) => sfn<StateMachineDescription>('DescribeStateMachine', { stateMachineArn }),
  listExecutions: (req: { stateMachineArn: string; statusFilter?: ExecutionStatus; maxResults: number; nextToken?: string }) =>
    sfn<{ executions: ExecutionItem[]; nextToken?: string }>('ListExecutions', req),
  describeExecution: (executionArn: string) => sfn<ExecutionDescription>('DescribeExecution', { executionArn }),
  describeStateMachineForExecution: (executionArn: string) =>
    sfn<StateMachineDescription>('DescribeStateMachineForExecution', { executionArn }),
  getExecutionHistory: (req: { executionArn: string; maxResults: number; nextToken?: string; reverseOrder?: boolean }) =>
    sfn<{ events: HistoryEvent[]; nextToken?: string }>('GetExecutionHistory', req),
  startExecution: (stateMachineArn: string, input: string, name?: string) =>
    sfn<{ executionArn: string; startDate: number }>('StartExecution', { stateMachineArn, input, ...(name ? { name } : {}) }),
  stopExecution: (executionArn: string, error?: string, cause?: string) => sfn<object>('StopExecution', { executionArn, error, cause }),
  redriveExecution: (executionArn: string) => sfn<{ redriveDate: number }>('RedriveExecution', { executionArn }),
  sendTaskSuccess: (taskToken: string, output: string) => sfn<object>('SendTaskSuccess', { taskToken, output }),
  sendTaskFailure: (taskToken: string, error: string, cause: string) => sfn<object>('SendTaskFailure', { taskToken, error, cause }),
  // Longhaul's extensions: the local stack only
  listTaskTokens: (executionArn: string) => ext<{ taskTokens: PendingToken[] }>('ListTaskTokens', { executionArn }),
  listTimers: (executionArn: string) => ext<{ timers: PendingTimer[]; skippable: boolean }>('ListTimers', { executionArn }),
  skipWait: (executionArn: string, timerId?: string) => ext<{ skipped: { stateName: string }[] }>('SkipWait', { executionArn, timerId }),
  listOutbox: (executionArn?: string) => ext<{ available: boolean; entries: OutboxEntry[] }>('ListOutbox', { executionArn, maxResults: 200 }),
};

/**
 * Every event of an execution after `afterId`, oldest first: reads newest-first pages until it
 * reaches a known event, so a poll of a running execution costs one small request, whatever the
 * history's length.
 */
export async function eventsAfter(executionArn: string, afterId: number, pageSize = 1000): Promise<HistoryEvent[]> {
  if (afterId === 0) {
    const all: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await api.getExecutionHistory({ executionArn, maxResults: pageSize, nextToken });
      all.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await api.getExecutionHistory({ executionArn, maxResults: 100, nextToken, reverseOrder: true });
    for (const e of page.events) {
      if (e.id <= afterId) return fresh.reverse();
      fresh.push(e);
    }
    if (!page.nextToken) return fresh.reverse();
    nextToken = page.nextToken;
  }
}

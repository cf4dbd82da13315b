/**
 * Following an execution to its end through the Step Functions API, as a person watches it in the
 * console: one line per state entered, what it waits on (a callback, a timer, a function), and the
 * real and workflow time elapsed. On a terminal a status line ticks while the execution waits.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { formatMs } from './history-lines.ts';

export interface FollowOptions {
  /** the workflow's clock: the engine's scheduler for an own stack (virtual or real); default real time */
  workflowNow?: () => number;
  /** where lines go (default stdout) */
  out?: NodeJS.WriteStream;
  /** how often to ask for new events (default 200 ms) */
  pollMs?: number;
  /** when the real clock starts counting (default: now), e.g. the upload that started the execution */
  realStart?: number;
}

export interface FollowResult {
  status: string;
  error?: string;
  cause?: string;
  output?: string;
  realMs: number;
  workflowMs: number;
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const WAITING_ON_TIMER = 'waiting on a timer';

/** What an event says the execution is doing now, or undefined when it changes nothing shown. */
function activityOf(e: HistoryEvent): string | undefined {
  switch (e.type) {
    case 'TaskScheduled':
      return `calling ${resourceName(e.taskScheduledEventDetails?.resource, e.taskScheduledEventDetails?.resourceType)}`;
    case 'TaskSubmitted':
      return 'waiting for its callback (task token)';
    case 'WaitStateEntered':
      return WAITING_ON_TIMER;
    case 'TaskFailed':
      return `failed: ${e.taskFailedEventDetails?.error ?? ''}`;
    case 'TaskTimedOut':
      return `timed out: ${e.taskTimedOutEventDetails?.error ?? ''}`;
    default:
      return undefined;
  }
}

function resourceName(resource: string | undefined, type: string | undefined): string {
  return [type, resource].filter(Boolean).join(':') || 'a task';
}

/**
 * Follows an execution until it ends; answers its outcome.
 *
 * @example
 * const r = await followExecution(sfn, executionArn, { workflowNow: () => stack.engine.scheduler.now() });
 * process.exitCode = r.status === 'SUCCEEDED' ? 0 : 1;
 */
export async function followExecution(sfn: SFNClient, executionArn: string, opts: FollowOptions = {}): Promise<FollowResult> {
  const out = opts.out ?? process.stdout;
  const workflowNow = opts.workflowNow ?? Date.now;
  const realStart = opts.realStart ?? Date.now();
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const workflowStart = described.startDate?.getTime() ?? workflowNow();
  const live = out.isTTY === true;
  let statusLine = '';
  let state = '';
  let activity = 'starting';
  let seen = 0;
  // an event's workflow time is its own timestamp: on a virtual clock the clock has moved on by the time it is read
  const stamp = (e?: HistoryEvent) =>
    `[${formatMs(Date.now() - realStart).padStart(7)} real | ${formatMs(Math.max(0, (e?.timestamp?.getTime() ?? workflowNow()) - workflowStart)).padStart(8)} workflow]`;
  const clearStatus = () => {
    if (live && statusLine) out.write(`\r${' '.repeat(statusLine.length)}\r`);
    statusLine = '';
  };
  const print = (line: string) => {
    clearStatus();
    out.write(`${line}\n`);
  };
  for (;;) {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const e of events.slice(seen)) {
      if (e.type?.endsWith('StateEntered')) {
        state = e.stateEnteredEventDetails?.name ?? '';
        activity = e.type === 'WaitStateEntered' ? WAITING_ON_TIMER : 'running';
        print(`${stamp(e)} ${state}`);
        continue;
      }
      const now = activityOf(e);
      if (now === undefined || now === activity) continue;
      activity = now;
      if (e.type === 'TaskSubmitted' || e.type === 'TaskFailed' || e.type === 'TaskTimedOut') print(`${stamp(e)}   ${state}: ${activity}`);
    }
    seen = events.length;
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (ENDED.has(d.status ?? '')) {
      clearStatus();
      return {
        status: d.status!, error: d.error, cause: d.cause, output: d.output,
        realMs: Date.now() - realStart, workflowMs: (d.stopDate?.getTime() ?? workflowNow()) - workflowStart,
      };
    }
    if (live) {
      clearStatus();
      statusLine = `${stamp()} ${state}: ${activity}`;
      out.write(statusLine);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}

/**
 * An ended execution as a test reads it: its status, parsed output or error, and its history,
 * with the questions the Jest matchers ask of it (which states ran, how often a task was retried,
 * where a Catch sent the execution).
 */
import type { JsonValue } from '../engine/json.ts';
import type { HistoryEvent } from '../engine/history/events.ts';

export type { HistoryEvent } from '../engine/history/events.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface Execution {
  executionArn: string;
  status: ExecutionStatus;
  /** the output, parsed (SUCCEEDED only) */
  output?: JsonValue;
  /** the error and cause (FAILED, TIMED_OUT, ABORTED) */
  error?: string;
  cause?: string;
  /** virtual epoch milliseconds */
  startMs: number;
  stopMs?: number;
  history: HistoryEvent[];
}

/** A Catch that moved the execution from the state whose error it caught to its handler state. */
export interface CaughtError {
  from: string;
  to: string;
  error: string;
}

/** The `*EventDetails` object of an event. */
export function detailsOf(event: HistoryEvent): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  return key ? (event[key] as Record<string, unknown>) : {};
}

/** The names of the states entered, in order (a state entered twice shows twice). */
export function statesVisited(history: readonly HistoryEvent[]): string[] {
  return history.filter((e) => e.type.endsWith('StateEntered')).map((e) => String(detailsOf(e).name));
}

/**
 * The state each event belongs to. Parallel branches and Map iterations interleave in a
 * history, so an event is attributed along its `previousEventId` chain, not by its position.
 */
function owners(history: readonly HistoryEvent[]): Map<number, string | undefined> {
  const owner = new Map<number, string | undefined>();
  const byId = new Map(history.map((e) => [e.id, e]));
  for (const e of history) {
    if (e.type.endsWith('StateEntered')) owner.set(e.id, String(detailsOf(e).name));
    else {
      const prev = byId.get(e.previousEventId);
      owner.set(e.id, prev && !prev.type.endsWith('StateExited') ? owner.get(prev.id) : undefined);
    }
  }
  return owner;
}

const SCHEDULED = /^(Task|LambdaFunction|Activity)Scheduled$/;
const TASK_FAILED = /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;

/** How many times a state's task was tried again after a failure, over all its entries. */
export function retriesOf(history: readonly HistoryEvent[], state: string): number {
  const owner = owners(history);
  const tries = history.filter((e) => SCHEDULED.test(e.type) && owner.get(e.id) === state).length;
  const entries = history.filter((e) => e.type.endsWith('StateEntered') && detailsOf(e).name === state).length;
  return Math.max(0, tries - entries);
}

/** Every Catch taken: the state that failed, the state entered next, and the error caught. */
export function caughtErrors(history: readonly HistoryEvent[]): CaughtError[] {
  const owner = owners(history);
  const byId = new Map(history.map((e) => [e.id, e]));
  const caught: CaughtError[] = [];
  for (const e of history) {
    if (!e.type.endsWith('StateEntered')) continue;
    const exited = byId.get(e.previousEventId);
    if (!exited?.type.endsWith('StateExited')) continue;
    // the event before the exit is the failure when the exit was a Catch's
    const last = byId.get(exited.previousEventId);
    if (!last) continue;
    const failed = TASK_FAILED.test(last.type) || last.type === 'ParallelStateFailed' || last.type === 'MapStateFailed' || last.type === 'EvaluationFailed';
    if (!failed) continue;
    caught.push({ from: String(detailsOf(exited).name ?? owner.get(last.id)), to: String(detailsOf(e).name), error: String(detailsOf(last).error ?? 'States.ALL') });
  }
  return caught;
}

/**
 * Retry and Catch: which retrier or catcher handles an error, and how long to back off.
 * Pure: randomness (for JitterStrategy FULL) comes in as an argument.
 */
import type { Catcher, Retrier } from '../definition/types.ts';
import { StatesErrorName } from '../errors.ts';

/** Errors that no retrier or catcher can handle, not even States.ALL. */
const TERMINAL: ReadonlySet<string> = new Set([StatesErrorName.Runtime]);

/**
 * AWS's error-name matching: an exact name, `States.ALL` for any error that is not terminal,
 * and `States.TaskFailed` for any error a task raised except a timeout.
 */
export function errorMatches(errorEquals: readonly string[], error: string, fromTask: boolean): boolean {
  if (TERMINAL.has(error)) return errorEquals.includes(error);
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === StatesErrorName.ALL) return true;
    if (name === StatesErrorName.TaskFailed && fromTask && error !== StatesErrorName.Timeout && error !== StatesErrorName.HeartbeatTimeout && !error.startsWith('States.')) return true;
  }
  return false;
}

export function findRetrier(retriers: readonly Retrier[] | undefined, error: string, fromTask: boolean): number {
  if (!retriers) return -1;
  return retriers.findIndex((r) => errorMatches(r.ErrorEquals, error, fromTask));
}

export function findCatcher(catchers: readonly Catcher[] | undefined, error: string, fromTask: boolean): Catcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error, fromTask));
}

/**
 * Milliseconds to wait before attempt `attempt` (1 for the first retry), or `undefined` when the
 * retrier's MaxAttempts is used up.
 */
export function backoffMs(r: Retrier, attempt: number, random: () => number): number | undefined {
  const max = r.MaxAttempts ?? 3;
  if (attempt > max) return undefined;
  const interval = r.IntervalSeconds ?? 1;
  const rate = r.BackoffRate ?? 2.0;
  let seconds = interval * Math.pow(rate, attempt - 1);
  if (r.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, r.MaxDelaySeconds);
  if (r.JitterStrategy === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}

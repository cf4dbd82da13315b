/**
 * Whether the console offers Redrive, by AWS's rules for RedriveExecution: a Standard execution
 * that ended FAILED, TIMED_OUT or ABORTED less than 14 days ago, which DescribeExecution does not
 * call NOT_REDRIVABLE, with fewer than 25,000 history events. Otherwise, the reason, in AWS's
 * words where DescribeExecution's redriveStatusReason has them.
 */

/** The redrivable period after an execution stops. */
export const REDRIVE_PERIOD_MS = 14 * 24 * 3600 * 1000;
/** A redrive adds events; an execution at the history limit has no room for them. */
export const HISTORY_EVENT_LIMIT = 25_000;

export interface RedriveFacts {
  status: string;
  type: 'STANDARD' | 'EXPRESS';
  /** epoch seconds */
  stopDate?: number;
  redriveStatus?: string;
  redriveStatusReason?: string;
  eventCount: number;
}

export type RedriveEligibility = { allowed: true } | { allowed: false; reason: string };

export function redriveEligibility(facts: RedriveFacts, nowMs: number): RedriveEligibility {
  if (facts.type === 'EXPRESS') return { allowed: false, reason: 'Express executions cannot be redriven.' };
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(facts.status)) {
    return { allowed: false, reason: facts.redriveStatusReason ?? `Execution is ${facts.status} and cannot be redriven.` };
  }
  if (facts.redriveStatus === 'NOT_REDRIVABLE') return { allowed: false, reason: facts.redriveStatusReason ?? 'The execution is not redrivable.' };
  if (facts.stopDate !== undefined && nowMs - facts.stopDate * 1000 > REDRIVE_PERIOD_MS) {
    return { allowed: false, reason: 'Execution redrivable period exceeded: it stopped more than 14 days ago.' };
  }
  if (facts.eventCount >= HISTORY_EVENT_LIMIT) return { allowed: false, reason: 'Execution history event limit exceeded.' };
  return { allowed: true };
}

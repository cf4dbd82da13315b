import { asRecord, invalid, requiredString } from '../shared/input.ts';

/**
 * What EventBridge Scheduler sends the starter: the schedule's name (static in the target's
 * input), the tick (`<aws.scheduler.scheduled-time>`, filled by Scheduler), the attempt
 * (`<aws.scheduler.execution-id>`), and the workflow's own input.
 */
export interface ScheduledTick {
  schedule: string;
  /** ISO 8601 UTC, e.g. `2026-12-06T02:00:00Z`: the same for every delivery of one tick */
  scheduledTime: string;
  /** Scheduler's id of this invocation attempt: differs between deliveries, so it names nothing */
  executionId?: string;
  input: Record<string, unknown>;
}

export interface StartOnScheduleOutput {
  executionArn: string;
  name: string;
  /** False when this tick was delivered before and its execution already existed. */
  started: boolean;
}

/**
 * @example
 * parseScheduledTick({ schedule: 'nightly-export', scheduledTime: '2026-12-06T02:00:00Z', executionId: 'e-1', input: {} });
 */
export function parseScheduledTick(event: unknown): ScheduledTick {
  const e = asRecord(event, 'scheduler input');
  const scheduledTime = requiredString(e, 'scheduledTime');
  if (Number.isNaN(Date.parse(scheduledTime))) throw invalid(`scheduledTime is not a time: ${scheduledTime} (is the target input's <aws.scheduler.scheduled-time> placeholder filled?)`);
  const executionId = typeof e.executionId === 'string' && e.executionId !== '' ? e.executionId : undefined;
  const input = e.input === undefined ? {} : asRecord(e.input, 'input');
  return { schedule: requiredString(e, 'schedule'), scheduledTime, ...(executionId ? { executionId } : {}), input };
}

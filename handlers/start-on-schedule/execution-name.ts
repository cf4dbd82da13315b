/**
 * The one execution name a schedule's tick gets: `<schedule>-<yyyyMMddTHHmmssZ>`. Scheduler's
 * scheduled time holds `:`, which Step Functions refuses in a name, and Scheduler's own target
 * cannot compute a name at all: hence a starter.
 */
import { invalid } from '../shared/input.ts';
import { isValidExecutionName, MAX_EXECUTION_NAME_LENGTH } from '../start-from-s3/execution-name.ts';

/** `yyyyMMddTHHmmssZ`: 16 characters */
const STAMP_LENGTH = 16;

/**
 * @example
 * scheduledExecutionName('nightly-export', '2026-12-06T02:00:00Z'); // 'nightly-export-20261206T020000Z'
 */
export function scheduledExecutionName(schedule: string, scheduledTime: string): string {
  const ms = Date.parse(scheduledTime);
  if (Number.isNaN(ms)) throw invalid(`scheduledTime is not a time: ${scheduledTime}`);
  const stamp = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const prefix = schedule.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, MAX_EXECUTION_NAME_LENGTH - STAMP_LENGTH - 1);
  const name = `${prefix}-${stamp}`;
  if (!isValidExecutionName(name)) throw invalid(`no valid execution name for schedule ${schedule} at ${scheduledTime}`);
  return name;
}

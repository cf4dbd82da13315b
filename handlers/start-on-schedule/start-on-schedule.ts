/** Starts exactly one execution per schedule tick, named after the schedule and the tick. */
import { SFNClient } from '@aws-sdk/client-sfn';
import { startNamedExecution } from '../shared/start-execution.ts';
import { requiredEnv } from '../shared/input.ts';
import { scheduledExecutionName } from './execution-name.ts';
import type { ScheduledTick, StartOnScheduleOutput } from './schema.ts';

export interface StartOnScheduleDependencies {
  sfn: SFNClient;
  stateMachineArn: string;
  release?(): void;
}

/**
 * StartExecution named `<schedule>-<yyyyMMddTHHmmssZ>`, with the tick's input plus `schedule` and
 * `scheduledTime` (not Scheduler's execution id: it differs between deliveries of one tick, and
 * an execution's input must not). A tick delivered again (Scheduler's retry after a lost answer,
 * at-least-once delivery) finds the execution there: the running one is answered for the same
 * name and input, ExecutionAlreadyExists once it has closed; both are success with
 * `started: false`.
 *
 * @example
 * await startOnSchedule({ schedule: 'nightly-export', scheduledTime: '2026-12-06T02:00:00Z', input: {} }, { sfn, stateMachineArn });
 * // { executionArn: '...:execution:nightly-export:nightly-export-20261206T020000Z', name: 'nightly-export-20261206T020000Z', started: true }
 */
export async function startOnSchedule(tick: ScheduledTick, deps: StartOnScheduleDependencies): Promise<StartOnScheduleOutput> {
  const name = scheduledExecutionName(tick.schedule, tick.scheduledTime);
  const input = { ...tick.input, schedule: tick.schedule, scheduledTime: tick.scheduledTime };
  return startNamedExecution(deps.sfn, deps.stateMachineArn, name, input);
}

/** Dependencies from the environment: STATE_MACHINE_ARN (the SDK reads region and endpoint itself). */
export function startOnScheduleDependencies(env: Record<string, string | undefined>): StartOnScheduleDependencies {
  const stateMachineArn = requiredEnv(env, 'STATE_MACHINE_ARN');
  const sfn = new SFNClient({});
  return { sfn, stateMachineArn, release: () => sfn.destroy() };
}

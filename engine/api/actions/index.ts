/**
 * The registry of Step Functions actions the server answers, one file per action. An
 * `X-Amz-Target` of `AWSStepFunctions.<name>` for any name not listed here is
 * UnknownOperationException.
 *
 * `extensions` are Longhaul's own actions (`X-Amz-Target: Longhaul.<name>`), which AWS does not
 * have: the web console uses them to complete task-token waits by hand, skip waits on a real-time
 * stack and read the outbox. Nothing that must also work against AWS may depend on them.
 */
import type { Action } from '../protocol.ts';
import { createActivity } from './create-activity.ts';
import { describeActivity } from './describe-activity.ts';
import { listActivities } from './list-activities.ts';
import { deleteActivity } from './delete-activity.ts';
import { getActivityTask } from './get-activity-task.ts';
import { publishStateMachineVersion } from './publish-state-machine-version.ts';
import { listStateMachineVersions } from './list-state-machine-versions.ts';
import { deleteStateMachineVersion } from './delete-state-machine-version.ts';
import { createStateMachineAlias } from './create-state-machine-alias.ts';
import { describeStateMachineAlias } from './describe-state-machine-alias.ts';
import { updateStateMachineAlias } from './update-state-machine-alias.ts';
import { deleteStateMachineAlias } from './delete-state-machine-alias.ts';
import { listStateMachineAliases } from './list-state-machine-aliases.ts';
import { createStateMachine } from './create-state-machine.ts';
import { deleteStateMachine } from './delete-state-machine.ts';
import { describeExecution } from './describe-execution.ts';
import { describeStateMachine } from './describe-state-machine.ts';
import { describeStateMachineForExecution } from './describe-state-machine-for-execution.ts';
import { getExecutionHistory } from './get-execution-history.ts';
import { listExecutions } from './list-executions.ts';
import { listOutbox } from './list-outbox.ts';
import { listStateMachines } from './list-state-machines.ts';
import { describeMapRun, listMapRuns, updateMapRun } from './map-runs.ts';
import { listTagsForResource } from './list-tags-for-resource.ts';
import { listTaskTokens } from './list-task-tokens.ts';
import { listTimers } from './list-timers.ts';
import { redriveExecution } from './redrive-execution.ts';
import { sendTaskFailure } from './send-task-failure.ts';
import { sendTaskHeartbeat } from './send-task-heartbeat.ts';
import { sendTaskSuccess } from './send-task-success.ts';
import { skipWait } from './skip-wait.ts';
import { startExecution } from './start-execution.ts';
import { startSyncExecution } from './start-sync-execution.ts';
import { stopExecution } from './stop-execution.ts';
import { tagResource } from './tag-resource.ts';
import { testState } from './test-state.ts';
import { untagResource } from './untag-resource.ts';
import { updateStateMachine } from './update-state-machine.ts';
import { validateStateMachineDefinition } from './validate-state-machine-definition.ts';

export const actions = {
  CreateStateMachine: createStateMachine,
  UpdateStateMachine: updateStateMachine,
  DescribeStateMachine: describeStateMachine,
  ListStateMachines: listStateMachines,
  DeleteStateMachine: deleteStateMachine,
  ValidateStateMachineDefinition: validateStateMachineDefinition,
  StartExecution: startExecution,
  StartSyncExecution: startSyncExecution,
  DescribeExecution: describeExecution,
  ListExecutions: listExecutions,
  GetExecutionHistory: getExecutionHistory,
  DescribeStateMachineForExecution: describeStateMachineForExecution,
  StopExecution: stopExecution,
  RedriveExecution: redriveExecution,
  SendTaskSuccess: sendTaskSuccess,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: sendTaskHeartbeat,
  TestState: testState,
  CreateActivity: createActivity,
  DescribeActivity: describeActivity,
  ListActivities: listActivities,
  DeleteActivity: deleteActivity,
  GetActivityTask: getActivityTask,
  PublishStateMachineVersion: publishStateMachineVersion,
  ListStateMachineVersions: listStateMachineVersions,
  DeleteStateMachineVersion: deleteStateMachineVersion,
  CreateStateMachineAlias: createStateMachineAlias,
  DescribeStateMachineAlias: describeStateMachineAlias,
  UpdateStateMachineAlias: updateStateMachineAlias,
  DeleteStateMachineAlias: deleteStateMachineAlias,
  ListStateMachineAliases: listStateMachineAliases,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  DescribeMapRun: describeMapRun,
  ListMapRuns: listMapRuns,
  UpdateMapRun: updateMapRun,
} as const satisfies Record<string, Action>;

export type ActionName = keyof typeof actions;

/** The action an `X-Amz-Target` names, if the server answers it. */
export function findAction(name: string): Action | undefined {
  return Object.hasOwn(actions, name) ? actions[name as ActionName] : undefined;
}

export const extensions = {
  ListTaskTokens: listTaskTokens,
  ListTimers: listTimers,
  SkipWait: skipWait,
  ListOutbox: listOutbox,
} as const satisfies Record<string, Action>;

export type ExtensionName = keyof typeof extensions;

/** The extension an `X-Amz-Target` of `Longhaul.<name>` names, if the server answers it. */
export function findExtension(name: string): Action | undefined {
  return Object.hasOwn(extensions, name) ? extensions[name as ExtensionName] : undefined;
}

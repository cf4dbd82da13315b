/**
 * One builder per history event: plain data in, the event's `type` and its details member out,
 * with the details' members in the order AWS serializes them (GetExecutionHistory keeps insertion
 * order, and the recorded corpus compares texts). Payloads come in as JSON text already: which
 * text a value shows (the client's own, or re-serialized) is the caller's decision, not history's.
 *
 * @example
 * ```ts
 * import * as events from './builders.ts';
 * run.emit(frame, events.taskScheduled({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{}' }));
 * run.emit(frame, events.stateEntered('Pass', { name: 'First', input: '{}' }));
 * ```
 */
import type {
  EvaluationFailedEventDetails, ExitingStateTypeName, FailureDetails, HistoryEventOf, InputPayload, MapIterationEventDetails,
  OutputPayload, StateTypeName, TaskResource,
} from './events.ts';

/** A failure's `error` and `cause`, either possibly absent. */
export interface Failure {
  error?: string;
  cause?: string;
}

/** An event's failure members, `error` then `cause`, each only when present (history omits, never nulls). */
function failureDetails(failure: Failure): FailureDetails {
  const d: FailureDetails = {};
  if (failure.error !== undefined) d.error = failure.error;
  if (failure.cause !== undefined) d.cause = failure.cause;
  return d;
}

/** A task's or Map Run's failure members: `error` always, `cause` only when there is one. */
function errorAndCause(f: { error: string; cause?: string }): { error: string; cause?: string } {
  return f.cause !== undefined ? { error: f.error, cause: f.cause } : { error: f.error };
}

function inputPayload(input: string): InputPayload {
  return { input, inputDetails: { truncated: false } };
}

function outputPayload(output: string): OutputPayload {
  return { output, outputDetails: { truncated: false } };
}

// ---- the execution

export function executionStarted(d: { input: string; roleArn: string }): HistoryEventOf<'ExecutionStarted'> {
  return { type: 'ExecutionStarted', executionStartedEventDetails: { ...inputPayload(d.input), roleArn: d.roleArn } };
}

export function executionSucceeded(d: { output: string }): HistoryEventOf<'ExecutionSucceeded'> {
  return { type: 'ExecutionSucceeded', executionSucceededEventDetails: outputPayload(d.output) };
}

export function executionFailed(f: Failure): HistoryEventOf<'ExecutionFailed'> {
  return { type: 'ExecutionFailed', executionFailedEventDetails: failureDetails(f) };
}

export function executionAborted(f: Failure): HistoryEventOf<'ExecutionAborted'> {
  return { type: 'ExecutionAborted', executionAbortedEventDetails: failureDetails(f) };
}

export function executionTimedOut(f: Failure): HistoryEventOf<'ExecutionTimedOut'> {
  return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: failureDetails(f) };
}

export function executionRedriven(d: { redriveCount: number }): HistoryEventOf<'ExecutionRedriven'> {
  return { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: d.redriveCount } };
}

// ---- every state: entered and exited share one details shape per family

export function stateEntered<T extends StateTypeName>(stateType: T, d: { name: string; input: string }): HistoryEventOf<`${T}StateEntered`> {
  // members written out, not spread: these two builders run for every state of every execution
  const event = { type: `${stateType}StateEntered`, stateEnteredEventDetails: { name: d.name, input: d.input, inputDetails: { truncated: false } } };
  // a template literal over a type parameter does not narrow to the union member; the shape is one for all T
  return event as HistoryEventOf<`${T}StateEntered`>;
}

/** `assignedVariables` maps each assigned name to its value's JSON text; none assigned leaves both members out. */
export function stateExited<T extends ExitingStateTypeName>(
  stateType: T, d: { name: string; output: string; assignedVariables?: Record<string, string> },
): HistoryEventOf<`${T}StateExited`> {
  const details: HistoryEventOf<'PassStateExited'>['stateExitedEventDetails'] = { name: d.name, output: d.output, outputDetails: { truncated: false } };
  if (d.assignedVariables !== undefined) {
    details.assignedVariables = d.assignedVariables;
    details.assignedVariablesDetails = { truncated: false };
  }
  return { type: `${stateType}StateExited`, stateExitedEventDetails: details } as HistoryEventOf<`${T}StateExited`>;
}

export function taskStateAborted(): HistoryEventOf<'TaskStateAborted'> {
  return { type: 'TaskStateAborted' };
}

export function evaluationFailed(d: EvaluationFailedEventDetails): HistoryEventOf<'EvaluationFailed'> {
  const details: EvaluationFailedEventDetails = { error: d.error, state: d.state };
  if (d.cause !== undefined) details.cause = d.cause;
  if (d.location !== undefined) details.location = d.location;
  return { type: 'EvaluationFailed', evaluationFailedEventDetails: details };
}

// ---- Parallel and Map

export function parallelStateStarted(): HistoryEventOf<'ParallelStateStarted'> {
  return { type: 'ParallelStateStarted' };
}

export function parallelStateSucceeded(): HistoryEventOf<'ParallelStateSucceeded'> {
  return { type: 'ParallelStateSucceeded' };
}

export function parallelStateFailed(): HistoryEventOf<'ParallelStateFailed'> {
  return { type: 'ParallelStateFailed' };
}

export function mapStateStarted(d: { length: number }): HistoryEventOf<'MapStateStarted'> {
  return { type: 'MapStateStarted', mapStateStartedEventDetails: { length: d.length } };
}

export function mapStateSucceeded(): HistoryEventOf<'MapStateSucceeded'> {
  return { type: 'MapStateSucceeded' };
}

export function mapStateFailed(): HistoryEventOf<'MapStateFailed'> {
  return { type: 'MapStateFailed' };
}

/** `name` is the Map state's name, as AWS records it on every iteration event. */
export function mapIterationStarted(d: MapIterationEventDetails): HistoryEventOf<'MapIterationStarted'> {
  return { type: 'MapIterationStarted', mapIterationStartedEventDetails: { index: d.index, name: d.name } };
}

export function mapIterationSucceeded(d: MapIterationEventDetails): HistoryEventOf<'MapIterationSucceeded'> {
  return { type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: { index: d.index, name: d.name } };
}

export function mapIterationFailed(d: MapIterationEventDetails): HistoryEventOf<'MapIterationFailed'> {
  return { type: 'MapIterationFailed', mapIterationFailedEventDetails: { index: d.index, name: d.name } };
}

export function mapIterationAborted(d: MapIterationEventDetails): HistoryEventOf<'MapIterationAborted'> {
  return { type: 'MapIterationAborted', mapIterationAbortedEventDetails: { index: d.index, name: d.name } };
}

export function mapRunStarted(d: { mapRunArn: string }): HistoryEventOf<'MapRunStarted'> {
  return { type: 'MapRunStarted', mapRunStartedEventDetails: { mapRunArn: d.mapRunArn } };
}

export function mapRunSucceeded(): HistoryEventOf<'MapRunSucceeded'> {
  return { type: 'MapRunSucceeded' };
}

export function mapRunRedriven(d: { mapRunArn: string; redriveCount: number }): HistoryEventOf<'MapRunRedriven'> {
  return { type: 'MapRunRedriven', mapRunRedrivenEventDetails: { mapRunArn: d.mapRunArn, redriveCount: d.redriveCount } };
}

export function mapRunFailed(d: { error: string; cause?: string }): HistoryEventOf<'MapRunFailed'> {
  return { type: 'MapRunFailed', mapRunFailedEventDetails: errorAndCause(d) };
}

// ---- Task: a service integration's events name its resource; a Lambda's carry only the function

export function taskScheduled(d: TaskResource & { region: string; parameters: string; timeoutInSeconds?: number; heartbeatInSeconds?: number }): HistoryEventOf<'TaskScheduled'> {
  const details: HistoryEventOf<'TaskScheduled'>['taskScheduledEventDetails'] = {
    resourceType: d.resourceType, resource: d.resource, region: d.region, parameters: d.parameters,
  };
  if (d.timeoutInSeconds !== undefined) details.timeoutInSeconds = d.timeoutInSeconds;
  if (d.heartbeatInSeconds !== undefined) details.heartbeatInSeconds = d.heartbeatInSeconds;
  return { type: 'TaskScheduled', taskScheduledEventDetails: details };
}

export function taskStarted(r: TaskResource): HistoryEventOf<'TaskStarted'> {
  return { type: 'TaskStarted', taskStartedEventDetails: { resourceType: r.resourceType, resource: r.resource } };
}

export function taskSubmitted(r: TaskResource, d: { output: string }): HistoryEventOf<'TaskSubmitted'> {
  return { type: 'TaskSubmitted', taskSubmittedEventDetails: { resourceType: r.resourceType, resource: r.resource, ...outputPayload(d.output) } };
}

export function taskSucceeded(r: TaskResource, d: { output: string }): HistoryEventOf<'TaskSucceeded'> {
  return { type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType: r.resourceType, resource: r.resource, ...outputPayload(d.output) } };
}

export function taskFailed(r: TaskResource, f: { error: string; cause?: string }): HistoryEventOf<'TaskFailed'> {
  return { type: 'TaskFailed', taskFailedEventDetails: { resourceType: r.resourceType, resource: r.resource, ...errorAndCause(f) } };
}

export function taskTimedOut(r: TaskResource, f: { error: string; cause?: string }): HistoryEventOf<'TaskTimedOut'> {
  return { type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType: r.resourceType, resource: r.resource, ...errorAndCause(f) } };
}

export function lambdaFunctionScheduled(d: { resource: string; input: string; timeoutInSeconds?: number }): HistoryEventOf<'LambdaFunctionScheduled'> {
  const details: HistoryEventOf<'LambdaFunctionScheduled'>['lambdaFunctionScheduledEventDetails'] = { resource: d.resource, ...inputPayload(d.input) };
  if (d.timeoutInSeconds !== undefined) details.timeoutInSeconds = d.timeoutInSeconds;
  return { type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: details };
}

export function lambdaFunctionStarted(): HistoryEventOf<'LambdaFunctionStarted'> {
  return { type: 'LambdaFunctionStarted' };
}

export function lambdaFunctionSucceeded(d: { output: string }): HistoryEventOf<'LambdaFunctionSucceeded'> {
  return { type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: outputPayload(d.output) };
}

export function lambdaFunctionFailed(f: { error: string; cause?: string }): HistoryEventOf<'LambdaFunctionFailed'> {
  return { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: errorAndCause(f) };
}

export function lambdaFunctionTimedOut(f: { error: string; cause?: string }): HistoryEventOf<'LambdaFunctionTimedOut'> {
  return { type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: errorAndCause(f) };
}

export function activityScheduled(d: { resource: string; input: string; timeoutInSeconds?: number; heartbeatInSeconds?: number }): HistoryEventOf<'ActivityScheduled'> {
  const details: HistoryEventOf<'ActivityScheduled'>['activityScheduledEventDetails'] = { resource: d.resource, ...inputPayload(d.input) };
  if (d.timeoutInSeconds !== undefined) details.timeoutInSeconds = d.timeoutInSeconds;
  if (d.heartbeatInSeconds !== undefined) details.heartbeatInSeconds = d.heartbeatInSeconds;
  return { type: 'ActivityScheduled', activityScheduledEventDetails: details };
}

/** A worker took the task (GetActivityTask); `workerName` only when the worker gave one. */
export function activityStarted(workerName: string | undefined): HistoryEventOf<'ActivityStarted'> {
  return { type: 'ActivityStarted', activityStartedEventDetails: workerName ? { workerName } : {} };
}

export function activitySucceeded(d: { output: string }): HistoryEventOf<'ActivitySucceeded'> {
  return { type: 'ActivitySucceeded', activitySucceededEventDetails: outputPayload(d.output) };
}

export function activityFailed(f: { error: string; cause?: string }): HistoryEventOf<'ActivityFailed'> {
  return { type: 'ActivityFailed', activityFailedEventDetails: errorAndCause(f) };
}

export function activityTimedOut(f: { error: string; cause?: string }): HistoryEventOf<'ActivityTimedOut'> {
  return { type: 'ActivityTimedOut', activityTimedOutEventDetails: errorAndCause(f) };
}

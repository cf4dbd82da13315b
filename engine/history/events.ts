/**
 * History events in the exact shape GetExecutionHistory returns: `id`, `previousEventId`,
 * `timestamp`, `type` and one `*EventDetails` object whose payloads are JSON text.
 */
import type { JsonValue } from '../json.ts';

/**
 * An event as the store keeps it and GetExecutionHistory serves it. Loose on purpose: events read
 * back from disk or written by older releases are not re-checked; events the engine makes are
 * built as {@link HistoryEventBody} by the builders in `builders.ts`.
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** epoch milliseconds; the API renders it */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** The state types whose names prefix their `*StateEntered` / `*StateExited` events. */
export type StateTypeName = 'Pass' | 'Choice' | 'Succeed' | 'Fail' | 'Wait' | 'Task' | 'Parallel' | 'Map';
/** AWS records no `FailStateExited`: a Fail state ends its branch on entry. */
export type ExitingStateTypeName = Exclude<StateTypeName, 'Fail'>;

/**
 * Every event type the engine records, under AWS's names (a subset of the API reference's
 * HistoryEventType: no *StartFailed / *ScheduleFailed, no *StateAborted but the Task's).
 */
export const HistoryEventType = {
  ExecutionStarted: 'ExecutionStarted',
  ExecutionSucceeded: 'ExecutionSucceeded',
  ExecutionFailed: 'ExecutionFailed',
  ExecutionAborted: 'ExecutionAborted',
  ExecutionTimedOut: 'ExecutionTimedOut',
  ExecutionRedriven: 'ExecutionRedriven',
  PassStateEntered: 'PassStateEntered',
  PassStateExited: 'PassStateExited',
  ChoiceStateEntered: 'ChoiceStateEntered',
  ChoiceStateExited: 'ChoiceStateExited',
  SucceedStateEntered: 'SucceedStateEntered',
  SucceedStateExited: 'SucceedStateExited',
  FailStateEntered: 'FailStateEntered',
  WaitStateEntered: 'WaitStateEntered',
  WaitStateExited: 'WaitStateExited',
  TaskStateEntered: 'TaskStateEntered',
  TaskStateExited: 'TaskStateExited',
  TaskStateAborted: 'TaskStateAborted',
  ParallelStateEntered: 'ParallelStateEntered',
  ParallelStateExited: 'ParallelStateExited',
  ParallelStateStarted: 'ParallelStateStarted',
  ParallelStateSucceeded: 'ParallelStateSucceeded',
  ParallelStateFailed: 'ParallelStateFailed',
  MapStateEntered: 'MapStateEntered',
  MapStateExited: 'MapStateExited',
  MapStateStarted: 'MapStateStarted',
  MapStateSucceeded: 'MapStateSucceeded',
  MapStateFailed: 'MapStateFailed',
  MapIterationStarted: 'MapIterationStarted',
  MapIterationSucceeded: 'MapIterationSucceeded',
  MapIterationFailed: 'MapIterationFailed',
  MapIterationAborted: 'MapIterationAborted',
  MapRunStarted: 'MapRunStarted',
  MapRunSucceeded: 'MapRunSucceeded',
  MapRunFailed: 'MapRunFailed',
  MapRunRedriven: 'MapRunRedriven',
  TaskScheduled: 'TaskScheduled',
  TaskStarted: 'TaskStarted',
  TaskSubmitted: 'TaskSubmitted',
  TaskSucceeded: 'TaskSucceeded',
  TaskFailed: 'TaskFailed',
  TaskTimedOut: 'TaskTimedOut',
  LambdaFunctionScheduled: 'LambdaFunctionScheduled',
  LambdaFunctionStarted: 'LambdaFunctionStarted',
  LambdaFunctionSucceeded: 'LambdaFunctionSucceeded',
  LambdaFunctionFailed: 'LambdaFunctionFailed',
  LambdaFunctionTimedOut: 'LambdaFunctionTimedOut',
  ActivityScheduled: 'ActivityScheduled',
  ActivityStarted: 'ActivityStarted',
  ActivitySucceeded: 'ActivitySucceeded',
  ActivityFailed: 'ActivityFailed',
  ActivityTimedOut: 'ActivityTimedOut',
  EvaluationFailed: 'EvaluationFailed',
} as const;
export type HistoryEventType = (typeof HistoryEventType)[keyof typeof HistoryEventType];

// ---- details, as the API reference names their members (payloads are JSON text)

/** AWS never truncates what Longhaul records; the flag is still part of the shape. */
export interface PayloadDetails {
  truncated: boolean;
}
export interface InputPayload {
  input: string;
  inputDetails: PayloadDetails;
}
export interface OutputPayload {
  output: string;
  outputDetails: PayloadDetails;
}
/** `error` and `cause` are absent, not null, when the failure has none. */
export interface FailureDetails {
  error?: string;
  cause?: string;
}
export interface ExecutionStartedEventDetails extends InputPayload {
  roleArn: string;
}
export interface ExecutionRedrivenEventDetails {
  redriveCount: number;
}
export interface StateEnteredEventDetails extends InputPayload {
  name: string;
}
export interface StateExitedEventDetails extends OutputPayload {
  name: string;
  assignedVariables?: Record<string, string>;
  assignedVariablesDetails?: PayloadDetails;
}
/** The integration a non-Lambda Task calls, as its task events name it. */
export interface TaskResource {
  resourceType: string;
  resource: string;
}
export interface TaskScheduledEventDetails extends TaskResource {
  region: string;
  parameters: string;
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
}
export type TaskStartedEventDetails = TaskResource;
export interface TaskSubmittedEventDetails extends TaskResource, OutputPayload {}
export interface TaskSucceededEventDetails extends TaskResource, OutputPayload {}
export interface TaskFailedEventDetails extends TaskResource {
  error: string;
  cause?: string;
}
export type TaskTimedOutEventDetails = TaskFailedEventDetails;
export interface LambdaFunctionScheduledEventDetails extends InputPayload {
  resource: string;
  timeoutInSeconds?: number;
}
export type LambdaFunctionSucceededEventDetails = OutputPayload;
export interface LambdaFunctionFailedEventDetails {
  error: string;
  cause?: string;
}
export type LambdaFunctionTimedOutEventDetails = LambdaFunctionFailedEventDetails;
export interface ActivityScheduledEventDetails extends InputPayload {
  /** the activity's ARN */
  resource: string;
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
}
/** the name the worker gave GetActivityTask, when it gave one */
export interface ActivityStartedEventDetails {
  workerName?: string;
}
export type ActivityFailedEventDetails = LambdaFunctionFailedEventDetails;
export interface MapStateStartedEventDetails {
  length: number;
}
export interface MapIterationEventDetails {
  index: number;
  /** the Map state's name */
  name: string;
}
export interface MapRunStartedEventDetails {
  mapRunArn: string;
}
export interface MapRunRedrivenEventDetails {
  mapRunArn: string;
  redriveCount: number;
}
export interface MapRunFailedEventDetails {
  error: string;
  cause?: string;
}
export interface EvaluationFailedEventDetails {
  error: string;
  /** the state whose field failed to evaluate */
  state: string;
  cause?: string;
  location?: string;
}

type NoDetails = Record<never, never>;
type Entered<T extends StateTypeName> = { [K in `${T}StateEntered`]: { stateEnteredEventDetails: StateEnteredEventDetails } };
type Exited<T extends ExitingStateTypeName> = { [K in `${T}StateExited`]: { stateExitedEventDetails: StateExitedEventDetails } };

/** The details member each event type carries: the one key AWS uses for it, or none. */
type DetailsOf = Entered<StateTypeName> & Exited<ExitingStateTypeName> & {
  ExecutionStarted: { executionStartedEventDetails: ExecutionStartedEventDetails };
  ExecutionSucceeded: { executionSucceededEventDetails: OutputPayload };
  ExecutionFailed: { executionFailedEventDetails: FailureDetails };
  ExecutionAborted: { executionAbortedEventDetails: FailureDetails };
  ExecutionTimedOut: { executionTimedOutEventDetails: FailureDetails };
  ExecutionRedriven: { executionRedrivenEventDetails: ExecutionRedrivenEventDetails };
  TaskStateAborted: NoDetails;
  ParallelStateStarted: NoDetails;
  ParallelStateSucceeded: NoDetails;
  ParallelStateFailed: NoDetails;
  MapStateStarted: { mapStateStartedEventDetails: MapStateStartedEventDetails };
  MapStateSucceeded: NoDetails;
  MapStateFailed: NoDetails;
  MapIterationStarted: { mapIterationStartedEventDetails: MapIterationEventDetails };
  MapIterationSucceeded: { mapIterationSucceededEventDetails: MapIterationEventDetails };
  MapIterationFailed: { mapIterationFailedEventDetails: MapIterationEventDetails };
  MapIterationAborted: { mapIterationAbortedEventDetails: MapIterationEventDetails };
  MapRunStarted: { mapRunStartedEventDetails: MapRunStartedEventDetails };
  MapRunSucceeded: NoDetails;
  MapRunFailed: { mapRunFailedEventDetails: MapRunFailedEventDetails };
  MapRunRedriven: { mapRunRedrivenEventDetails: MapRunRedrivenEventDetails };
  TaskScheduled: { taskScheduledEventDetails: TaskScheduledEventDetails };
  TaskStarted: { taskStartedEventDetails: TaskStartedEventDetails };
  TaskSubmitted: { taskSubmittedEventDetails: TaskSubmittedEventDetails };
  TaskSucceeded: { taskSucceededEventDetails: TaskSucceededEventDetails };
  TaskFailed: { taskFailedEventDetails: TaskFailedEventDetails };
  TaskTimedOut: { taskTimedOutEventDetails: TaskTimedOutEventDetails };
  LambdaFunctionScheduled: { lambdaFunctionScheduledEventDetails: LambdaFunctionScheduledEventDetails };
  LambdaFunctionStarted: NoDetails;
  LambdaFunctionSucceeded: { lambdaFunctionSucceededEventDetails: LambdaFunctionSucceededEventDetails };
  LambdaFunctionFailed: { lambdaFunctionFailedEventDetails: LambdaFunctionFailedEventDetails };
  LambdaFunctionTimedOut: { lambdaFunctionTimedOutEventDetails: LambdaFunctionTimedOutEventDetails };
  ActivityScheduled: { activityScheduledEventDetails: ActivityScheduledEventDetails };
  ActivityStarted: { activityStartedEventDetails: ActivityStartedEventDetails };
  ActivitySucceeded: { activitySucceededEventDetails: OutputPayload };
  ActivityFailed: { activityFailedEventDetails: ActivityFailedEventDetails };
  ActivityTimedOut: { activityTimedOutEventDetails: ActivityFailedEventDetails };
  EvaluationFailed: { evaluationFailedEventDetails: EvaluationFailedEventDetails };
};

/**
 * One event before the engine numbers and stamps it: its `type` and the details member that type
 * carries. Indexing `DetailsOf` by every {@link HistoryEventType} makes a type without details an
 * error here, and the discriminant makes a detail under another type's key an error at the builder.
 */
export type HistoryEventBody = { [K in HistoryEventType]: { type: K } & DetailsOf[K] }[HistoryEventType];
/** The body of one event type. */
export type HistoryEventOf<K extends HistoryEventType> = Extract<HistoryEventBody, { type: K }>;

/**
 * The details of a `*StateEntered` event, else undefined. A stored event is trusted to carry the
 * shape its builder gave it: the store writes only built events and refuses folders it cannot read.
 */
export function enteredDetails(e: HistoryEvent): StateEnteredEventDetails | undefined {
  return e.type.endsWith('StateEntered') ? (e.stateEnteredEventDetails as StateEnteredEventDetails) : undefined;
}

/** The details of a `*StateExited` event, else undefined (trusted as {@link enteredDetails} is). */
export function exitedDetails(e: HistoryEvent): StateExitedEventDetails | undefined {
  return e.type.endsWith('StateExited') ? (e.stateExitedEventDetails as StateExitedEventDetails) : undefined;
}

/** Where the texts of payloads that passed through unchanged are kept, so history shows them as the client sent them. */
const originalText = new WeakMap<object, string>();

/** Remembers the text a client sent for a parsed object or array. */
export function rememberText(value: JsonValue, text: string): void {
  if (value !== null && typeof value === 'object') originalText.set(value, text);
}

/** A payload as history shows it: JSON text, the client's own text where the value is unchanged. */
export function payloadText(value: JsonValue | undefined): string {
  if (value === undefined) return 'null';
  if (value !== null && typeof value === 'object') {
    const t = originalText.get(value);
    if (t !== undefined) return t;
  }
  return JSON.stringify(value);
}

/** The text a client sent for this very object or array, if it did. */
export function rememberedText(value: JsonValue | undefined): string | undefined {
  return value !== null && typeof value === 'object' ? originalText.get(value) : undefined;
}

export function payload(key: 'input' | 'output', value: JsonValue | undefined): Record<string, unknown> {
  const text = payloadText(value);
  return key === 'input' ? { input: text, inputDetails: { truncated: false } } : { output: text, outputDetails: { truncated: false } };
}

/** The `*EventDetails` key of each event type that carries one. */
export function detailsKey(type: string): string {
  return type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails';
}

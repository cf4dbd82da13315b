/**
 * The errors an execution can raise, one class per `States.*` name.
 *
 * `name` is the ASL error name that Retry and Catch match on; `cause` is the human-readable text
 * that ends up in history events and in DescribeExecution.
 */

/** Every ASL error name the engine itself raises. */
export const StatesErrorName = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  DataLimitExceeded: 'States.DataLimitExceeded',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
} as const;
export type StatesErrorName = (typeof StatesErrorName)[keyof typeof StatesErrorName];

/**
 * An error raised inside an execution: what a Fail state, a failed task, or a failed evaluation
 * produces. Retry/Catch match `error`; `cause` is free text (often JSON).
 *
 * @example
 * throw new ExecutionError('States.Runtime', "The JSONPath '$.x' could not be found");
 */
export class ExecutionError extends Error {
  readonly error: string;
  /** `undefined` when the failure has no cause at all (history omits the field). */
  readonly causeText: string | undefined;
  /** Extra history fields for EvaluationFailed events (`location`, `state`). */
  readonly location?: string;

  constructor(error: string, causeText?: string, options?: { cause?: unknown; location?: string }) {
    super(causeText ?? error, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = error;
    this.error = error;
    this.causeText = causeText;
    this.location = options?.location;
  }
}

type ErrorOptions = { cause?: unknown; location?: string };

/** The class of one `States.*` error: an ExecutionError whose name is fixed. */
function statesError<N extends StatesErrorName>(name: N) {
  return class extends ExecutionError {
    declare readonly error: N;
    constructor(causeText?: string, options?: ErrorOptions) {
      super(name, causeText, options);
    }
  };
}

// one class per error the engine raises (States.ALL is a name to match on, never raised)
export class RuntimeError extends statesError(StatesErrorName.Runtime) {}
export class TaskFailed extends statesError(StatesErrorName.TaskFailed) {}
/** A task ran past its TimeoutSeconds. */
export class TaskTimeout extends statesError(StatesErrorName.Timeout) {}
export class HeartbeatTimeout extends statesError(StatesErrorName.HeartbeatTimeout) {}
export class DataLimitExceeded extends statesError(StatesErrorName.DataLimitExceeded) {}
export class Permissions extends statesError(StatesErrorName.Permissions) {}
export class ResultPathMatchFailure extends statesError(StatesErrorName.ResultPathMatchFailure) {}
export class ParameterPathFailure extends statesError(StatesErrorName.ParameterPathFailure) {}
export class QueryEvaluationError extends statesError(StatesErrorName.QueryEvaluationError) {}
export class BranchFailed extends statesError(StatesErrorName.BranchFailed) {}
export class NoChoiceMatched extends statesError(StatesErrorName.NoChoiceMatched) {}
export class IntrinsicFailure extends statesError(StatesErrorName.IntrinsicFailure) {}
export class ExceedToleratedFailureThreshold extends statesError(StatesErrorName.ExceedToleratedFailureThreshold) {}
export class ItemReaderFailed extends statesError(StatesErrorName.ItemReaderFailed) {}
export class ResultWriterFailed extends statesError(StatesErrorName.ResultWriterFailed) {}

/**
 * The one place that writes how AWS opens the cause of an error raised while a state processes its
 * data: "An error occurred while executing the state 'X' (entered at the event id #N). <detail>".
 */
export function stateErrorCause(stateName: string, enteredEventId: number, detail: string): string {
  return `An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}). ${detail}`;
}

/** Keeps an error as it is when it already is an execution error, or makes it States.Runtime. */
export function asExecutionError(err: unknown): ExecutionError {
  if (err instanceof ExecutionError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RuntimeError(message, { cause: err });
}

/**
 * A definition AWS would refuse at CreateStateMachine; API code maps it to the
 * `InvalidDefinition` error shape (`__type`, `message`).
 */
export class InvalidDefinition extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidDefinition';
  }
}

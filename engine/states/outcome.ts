/**
 * What a state asks the runner for once it has evaluated: plain data, no effects. The runner
 * (engine/runtime/interpreter.ts) performs it: emits the exit events, arms the timer, invokes the
 * task, runs the branches or iterations, decides Retry and Catch. So a state can be evaluated and
 * tested without an engine, a store or a clock.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { QueryLanguage, State, StateType } from '../definition/types.ts';
import type { DataflowContext, StatesError } from '../dataflow/index.ts';
import type { ItemReaderRequest, ResultWriterRequest } from './item-reader.ts';

/** Variables a state assigns as it exits (`Assign`), `null` when it assigns none. */
export type Assigned = JsonObject | null;

export type Outcome =
  /** go on to `next` (a Choice rule's target, or the state's Next) */
  | { kind: 'next'; next: string; output: JsonValue; assigned: Assigned }
  /** the branch ends with `output` */
  | { kind: 'end'; output: JsonValue; assigned: Assigned }
  /**
   * the state fails with `error`; a JSONata `States.QueryEvaluationError` also earns an
   * EvaluationFailed event. `startedItems`: a Map that had started (with that many items) when it
   * failed, as AWS records a tolerated-failure field that fails to evaluate.
   */
  | { kind: 'fail'; error: StatesError; startedItems?: number }
  /** Wait: rest until epoch ms `at`, then exit with `output` (to Next, or the end) */
  | { kind: 'scheduleTimer'; at: number; output: JsonValue; assigned: Assigned }
  /**
   * Task: call the resource with `parameters` (and `taskToken`, for a `.waitForTaskToken` task);
   * the runner gives the result to the handler's `complete`, or fails the state with the task's error.
   */
  | { kind: 'invoke'; parameters: JsonValue; taskToken?: string; timeoutSeconds?: number; heartbeatSeconds?: number }
  /**
   * Parallel (`items` undefined: every branch starts from `input`) and Map (an iteration per item,
   * whose input ItemSelector makes from `input`); the runner gives their outputs to `complete`.
   * A Distributed Map's `reader` says where its items come from (then `items` is empty until the
   * runner reads them), its `writer` where its results go.
   */
  | {
    kind: 'fanOut'; input: JsonValue; items: JsonValue[] | undefined; maxConcurrency: number; toleratedFailureCount: number; toleratedFailurePercentage: number;
    reader?: ItemReaderRequest; writer?: ResultWriterRequest;
  };

/** What a state that waits on something (a task, its branches, its iterations) completes with. */
export type Completion<S extends State> = (state: S, input: JsonValue, result: JsonValue, ctx: StateContext) => Outcome | Promise<Outcome>;

/**
 * What a state reads besides its fields and its input: its dataflow context, the query language in
 * force (the state's, else its branch's, else the machine's), and `now`, the one time it may read.
 */
export interface StateContext extends DataflowContext {
  readonly queryLanguage: QueryLanguage;
  /** Epoch ms as the execution's scheduler has it: injected, never a wall clock read by a state. */
  now(): number;
}

export interface StateHandler<S extends State> {
  evaluate(state: S, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome>;
}

/** The state reached after a state that moves on by its own Next or End. */
export function exitOutcome(state: { Next?: string; End?: boolean }, output: JsonValue, assigned: Assigned): Outcome {
  if (state.End || state.Next === undefined) return { kind: 'end', output, assigned };
  return { kind: 'next', next: state.Next, output, assigned };
}

/** A handler per state type in `K`, each typed for its own state. */
export type StateHandlers<K extends StateType> = { [T in K]: StateHandler<Extract<State, { Type: T }>> };

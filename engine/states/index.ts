/**
 * The states, one file per type, and the registry the runner dispatches through: every state
 * type has a pure `evaluate`; the ones that wait on something (Task, Parallel, Map) also have a
 * pure `complete` for what they waited on. The registry is exhaustive: a new state type does not
 * compile until it has a handler.
 */
import type { JsonValue } from '../json.ts';
import type { MapState, ParallelState, State, StateType, TaskState } from '../definition/types.ts';
import * as pass from './pass.ts';
import * as succeed from './succeed.ts';
import * as fail from './fail.ts';
import * as choice from './choice.ts';
import * as wait from './wait.ts';
import * as task from './task.ts';
import * as parallel from './parallel.ts';
import * as map from './map.ts';
import type { Outcome, StateContext, StateHandlers } from './outcome.ts';

export type { Assigned, Completion, Outcome, StateContext, StateHandler } from './outcome.ts';
export { recover, caught, type Recovery } from './recovery.ts';
export { iterationInput, batchItems } from './map.ts';
export { parseItems, type ItemReaderRequest, type ResultWriterRequest } from './item-reader.ts';
export { secondsFromPath } from './task.ts';

export const stateHandlers = {
  Pass: pass,
  Succeed: succeed,
  Fail: fail,
  Choice: choice,
  Wait: wait,
  Task: task,
  Parallel: parallel,
  Map: map,
} satisfies StateHandlers<StateType>;

/** Evaluates a state through its handler (a correlated lookup TypeScript cannot follow on its own). */
export function evaluateState(state: State, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  const handler = stateHandlers[state.Type] as { evaluate(s: State, i: JsonValue, c: StateContext): Outcome | Promise<Outcome> };
  return handler.evaluate(state, input, ctx);
}

/** The states that complete with a result: a task's, the branches', the iterations'. */
export type CompletingState = TaskState | ParallelState | MapState;

/** Completes a Task, Parallel or Map with what it waited on. */
export function completeState(state: CompletingState, input: JsonValue, result: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  const handler = stateHandlers[state.Type] as { complete(s: CompletingState, i: JsonValue, r: JsonValue, c: StateContext): Outcome | Promise<Outcome> };
  return handler.complete(state, input, result, ctx);
}

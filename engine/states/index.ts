/**
 * The state types that are pure handlers, one file each, and the registry the interpreter
 * dispatches them through. Task, Parallel and Map still run inside the interpreter.
 */
import type { JsonValue } from '../json.ts';
import type { State } from '../definition/types.ts';
import * as pass from './pass.ts';
import * as succeed from './succeed.ts';
import * as fail from './fail.ts';
import * as choice from './choice.ts';
import * as wait from './wait.ts';
import type { Outcome, StateContext, StateHandlers } from './outcome.ts';

export type { Assigned, Outcome, StateContext, StateHandler } from './outcome.ts';

export const stateHandlers = {
  Pass: pass,
  Succeed: succeed,
  Fail: fail,
  Choice: choice,
  Wait: wait,
} satisfies StateHandlers<'Pass' | 'Succeed' | 'Fail' | 'Choice' | 'Wait'>;

export type HandledStateType = keyof typeof stateHandlers;
export type HandledState = Extract<State, { Type: HandledStateType }>;

/** Evaluates a state through its handler (a correlated lookup TypeScript cannot follow on its own). */
export function evaluateState(state: HandledState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  const handler = stateHandlers[state.Type] as { evaluate(s: HandledState, i: JsonValue, c: StateContext): Outcome | Promise<Outcome> };
  return handler.evaluate(state, input, ctx);
}

/**
 * What every dataflow step may read besides the state's fields and its input: the context object,
 * the variables in scope, and what JSONata needs to draw ids and random numbers. Plain data:
 * a test writes it as an object literal; the interpreter builds the context object and the merged
 * variables lazily (getters), since most states read neither.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import { ExecutionError, QueryEvaluationError, stateErrorCause } from '../errors.ts';
import type { PathRoots } from '../query/jsonpath/index.ts';
import type { EvaluationBudget } from '../query/jsonata/index.ts';

/**
 * A `States.*` error a dataflow step returns instead of a value. Every step returns
 * `value | StatesError`; `isStatesError` tells them apart (no JSON value is an Error).
 */
export type StatesError = ExecutionError;

/** A step's answer: the value, or the error the state fails with. */
export type Flow<T> = T | StatesError;

export function isStatesError(v: unknown): v is StatesError {
  return v instanceof ExecutionError;
}

export interface DataflowContext {
  /** The state's name and the id of its `*StateEntered` event: JSONata error causes name both. */
  readonly stateName: string;
  readonly enteredEventId: number;
  /** The context object: `$$` in JSONPath, `$states.context` in JSONata. Read only when needed. */
  readonly context: JsonObject;
  /** Every variable visible from the state, inner scopes over outer ones. Read only when needed. */
  readonly variables: JsonObject;
  /** `$uuid()`, `States.UUID()`; called as a method of the context. */
  uuid(): string;
  /** `$random()`, `States.MathRandom()`; called as a method of the context. */
  random(): number;
  /** Epoch ms for JSONata's `$now()`/`$millis()`; without it JSONata reads the wall clock. */
  now?(): number;
  /** How much work each JSONata expression may do; without it one may run (and hold the event loop) forever. */
  readonly budget?: EvaluationBudget;
  /** Once aborted, an expression stops at its next clock check and the step rejects with EvaluationAborted. */
  readonly signal?: AbortSignal;
}

/** The same context with another context object (a Task's token, a Map item's `Map.Item`). */
export function withContextObject(ctx: DataflowContext, context: JsonObject): DataflowContext {
  return new OtherContextObject(ctx, context);
}

class OtherContextObject implements DataflowContext {
  readonly context: JsonObject;
  private readonly base: DataflowContext;

  constructor(base: DataflowContext, context: JsonObject) {
    this.base = base;
    this.context = context;
  }

  get stateName(): string {
    return this.base.stateName;
  }

  get enteredEventId(): number {
    return this.base.enteredEventId;
  }

  get variables(): JsonObject {
    return this.base.variables;
  }

  uuid(): string {
    return this.base.uuid();
  }

  random(): number {
    return this.base.random();
  }

  get budget(): EvaluationBudget | undefined {
    return this.base.budget;
  }

  get signal(): AbortSignal | undefined {
    return this.base.signal;
  }

  get now(): (() => number) | undefined {
    const base = this.base;
    return base.now && (() => base.now!());
  }
}

/** JSONPath's roots over `input`: `$`, `$$` and `$name`, read from the context when a path does. */
export function pathRoots(input: JsonValue, ctx: DataflowContext): PathRoots {
  return new ContextRoots(input, ctx);
}

class ContextRoots implements PathRoots {
  readonly input: JsonValue;
  private readonly ctx: DataflowContext;

  constructor(input: JsonValue, ctx: DataflowContext) {
    this.input = input;
    this.ctx = ctx;
  }

  get context(): JsonValue {
    return this.ctx.context;
  }

  variable(name: string): JsonValue | undefined {
    const vars = this.ctx.variables;
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
  }
}

/**
 * `States.QueryEvaluationError` for a JSONata field whose value is wrong for the field, with the
 * state prefix AWS writes and the field as the EvaluationFailed event's `location`.
 */
export function fieldError(ctx: DataflowContext, location: string, text: string): QueryEvaluationError {
  return new QueryEvaluationError(stateErrorCause(ctx.stateName, ctx.enteredEventId, text), { location });
}

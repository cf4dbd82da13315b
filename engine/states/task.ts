/**
 * Task: what it calls its resource with (the effective parameters, its timeouts, its task token),
 * and, once the runner has called it, its result through the state's dataflow. Pure: the token's
 * ids come from the context; the runner invokes the integration, arms the timers and waits.
 */
import type { JsonValue } from '../json.ts';
import type { TaskState } from '../definition/types.ts';
import { RuntimeError } from '../errors.ts';
import { IntegrationPattern, parseResourceArn } from '../definition/resource-arn.ts';
import { resolvePath } from '../query/jsonpath/index.ts';
import {
  evaluateField, fieldError, isStatesError, pathRoots, processInput, withContextObject,
  type DataflowContext, type Flow,
} from '../dataflow/index.ts';
import { completeWithResult } from './complete.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: TaskState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

/** The task's result (`$states.result`) through ResultSelector/ResultPath/OutputPath or Output, and Assign. */
export const complete = completeWithResult<TaskState>;

/**
 * Whether the task waits for a callback: its parameters may carry the token (`$$.Task.Token`). An
 * activity's task waits for one too: GetActivityTask hands it to the worker, which answers with it.
 */
export function waitsForToken(state: TaskState): boolean {
  const arn = parseResourceArn(state.Resource);
  return arn?.kind === 'activity' || (arn?.kind === 'integration' && arn.pattern === IntegrationPattern.Callback);
}

/** A token as AWS's look: long, opaque, unguessable. */
function newToken(ctx: DataflowContext): string {
  return ctx.uuid() + ctx.uuid().replace(/-/g, '');
}

/** The context with `Task.Token` in its context object, for the parameters to read. */
function withToken(ctx: StateContext, token: string | undefined): DataflowContext {
  return token === undefined ? ctx : withContextObject(ctx, { ...ctx.context, Task: { Token: token } });
}

function evaluateJsonPath(state: TaskState, input: JsonValue, ctx: StateContext): Outcome {
  const timeoutSeconds = secondsFromPath(state, input, ctx, 'TimeoutSeconds');
  if (isStatesError(timeoutSeconds)) return { kind: 'fail', error: timeoutSeconds };
  const heartbeatSeconds = secondsFromPath(state, input, ctx, 'HeartbeatSeconds');
  if (isStatesError(heartbeatSeconds)) return { kind: 'fail', error: heartbeatSeconds };
  const taskToken = waitsForToken(state) ? newToken(ctx) : undefined;
  const parameters = processInput.JSONPath(state, input, withToken(ctx, taskToken));
  if (isStatesError(parameters)) return { kind: 'fail', error: parameters };
  return { kind: 'invoke', parameters, taskToken, timeoutSeconds, heartbeatSeconds };
}

async function evaluateJsonata(state: TaskState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  const timeoutSeconds = await secondsFromExpression(state, input, ctx, 'TimeoutSeconds');
  if (isStatesError(timeoutSeconds)) return { kind: 'fail', error: timeoutSeconds };
  const heartbeatSeconds = await secondsFromExpression(state, input, ctx, 'HeartbeatSeconds');
  if (isStatesError(heartbeatSeconds)) return { kind: 'fail', error: heartbeatSeconds };
  const taskToken = waitsForToken(state) ? newToken(ctx) : undefined;
  const parameters = await processInput.JSONata(state, input, withToken(ctx, taskToken));
  if (isStatesError(parameters)) return { kind: 'fail', error: parameters };
  return { kind: 'invoke', parameters, taskToken, timeoutSeconds, heartbeatSeconds };
}

type SecondsField = 'TimeoutSeconds' | 'HeartbeatSeconds';

/** TimeoutSeconds or HeartbeatSeconds as a number, or its `*Path` over the raw input (JSONPath). */
export function secondsFromPath(state: TaskState, input: JsonValue, ctx: DataflowContext, field: SecondsField): Flow<number | undefined> {
  const v = state[field];
  if (v !== undefined) return Number(v);
  const path = state[`${field}Path`];
  if (path === undefined) return undefined;
  const r = resolvePath(path, pathRoots(input, ctx));
  if (!r.found || typeof r.value !== 'number' || !Number.isInteger(r.value) || r.value <= 0) {
    return new RuntimeError(`The ${field}Path parameter does not reference a valid integer value: ${r.found ? JSON.stringify(r.value) : 'null'}`);
  }
  return r.value;
}

/** TimeoutSeconds or HeartbeatSeconds as a number or a JSONata expression: a positive integer. */
async function secondsFromExpression(state: TaskState, input: JsonValue, ctx: StateContext, field: SecondsField): Promise<Flow<number | undefined>> {
  const v = state[field];
  if (typeof v !== 'string') return secondsFromPath(state, input, ctx, field);
  const r = await evaluateField(v, { input }, ctx, field);
  if (isStatesError(r)) return r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) return fieldError(ctx, field, `The ${field} field must be a positive integer, but was: ${JSON.stringify(r)}`);
  return r;
}

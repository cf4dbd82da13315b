/**
 * Wait: when the wait ends, and the output it exits with then. Pure: `now` comes from the context;
 * the interpreter arms the timer and rests the execution until it fires.
 */
import type { JsonValue } from '../json.ts';
import type { WaitState } from '../definition/types.ts';
import { MAX_SECONDS } from '../definition/validate/values.ts';
import { RuntimeError } from '../errors.ts';
import { resolvePath, type PathRoots } from '../query/jsonpath/index.ts';
import { evaluateField, fieldError, isStatesError, pathRoots, processInput, processOutput, type Flow } from '../dataflow/index.ts';
import { parseTimestamp as parseTimestampNs } from './choice-rules.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: WaitState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

function evaluateJsonPath(state: WaitState, input: JsonValue, ctx: StateContext): Outcome {
  const effective = processInput.JSONPath(state, input, ctx);
  if (isStatesError(effective)) return { kind: 'fail', error: effective };
  const at = waitUntilJsonPath(state, pathRoots(effective, ctx), ctx.now());
  if (isStatesError(at)) return { kind: 'fail', error: at };
  const exit = processOutput.JSONPath(state, input, effective, ctx);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return { kind: 'scheduleTimer', at, output: exit.output, assigned: exit.assigned };
}

async function evaluateJsonata(state: WaitState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  const at = await waitUntilJsonata(state, input, ctx);
  if (isStatesError(at)) return { kind: 'fail', error: at };
  const exit = await processOutput.JSONata(state, input, undefined, ctx);
  if (isStatesError(exit)) return { kind: 'fail', error: exit };
  return { kind: 'scheduleTimer', at, output: exit.output, assigned: exit.assigned };
}

/** When a JSONPath wait ends: Seconds, Timestamp, SecondsPath or TimestampPath (over the effective input). */
function waitUntilJsonPath(state: WaitState, roots: PathRoots, now: number): Flow<number> {
  if (state.Seconds !== undefined) return waitEnd(now, Number(state.Seconds));
  if (state.Timestamp !== undefined) return parseTimestamp(state.Timestamp) ?? now;
  if (state.SecondsPath !== undefined) {
    const r = resolvePath(state.SecondsPath, roots);
    if (!r.found) return new RuntimeError(`The SecondsPath parameter does not reference an input value: ${state.SecondsPath}`);
    const v = r.value;
    if (!isLongSeconds(v) || v < 0) {
      return new RuntimeError(isLongSeconds(v) ? `The SecondsPath parameter references a negative value: ${state.SecondsPath} == ${JSON.stringify(v)}` : `The SecondsPath parameter cannot be parsed as a long value: ${state.SecondsPath} == ${JSON.stringify(v)}`);
    }
    return waitEnd(now, v);
  }
  if (state.TimestampPath !== undefined) {
    const r = resolvePath(state.TimestampPath, roots);
    if (!r.found) return new RuntimeError(`The TimestampPath parameter does not reference an input value: ${state.TimestampPath}`);
    const at = typeof r.value === 'string' ? parseTimestamp(r.value) : undefined;
    if (at === undefined) {
      return new RuntimeError(`The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${state.TimestampPath} == ${typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}`);
    }
    return at;
  }
  return now;
}

/** When a JSONata wait ends: Seconds or Timestamp, each a value or an expression. */
async function waitUntilJsonata(state: WaitState, input: JsonValue, ctx: StateContext): Promise<Flow<number>> {
  const now = ctx.now();
  if (state.Seconds !== undefined) {
    const v = await evaluateField(state.Seconds, { input }, ctx, 'Seconds');
    if (isStatesError(v)) return v;
    if (!isWaitSeconds(v)) return fieldError(ctx, 'Seconds', `The Seconds field must be an integer between 0 and 99999999, but was: ${JSON.stringify(v)}`);
    return waitEnd(now, v);
  }
  if (state.Timestamp !== undefined) {
    const v = await evaluateField(state.Timestamp, { input }, ctx, 'Timestamp');
    if (isStatesError(v)) return v;
    const at = typeof v === 'string' ? parseTimestamp(v) : undefined;
    if (at === undefined) {
      return fieldError(ctx, 'Timestamp', `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
    return at;
  }
  return now;
}

/**
 * The latest instant a wait can end at: the limit of a JavaScript Date (and of the store's
 * integers). A wait past it ends there instead, which is as good as never: AWS ends a Standard
 * execution after one year whatever it waits for.
 */
export const LATEST_WAIT_END_MS = 8_640_000_000_000_000;

/**
 * Epoch ms of a timestamp as AWS reads Timestamp and TimestampPath (the same ISO-8601 offset
 * date-time parser as Choice rules), or undefined when the text is not one. Fractions of a second
 * are dropped: "if you specify the wait time as a timestamp, Step Functions considers the time
 * value up to seconds and truncates milliseconds" (Step Functions developer guide, Wait state).
 */
export function parseTimestamp(text: string): number | undefined {
  const ns = parseTimestampNs(text);
  if (ns === undefined) return undefined;
  const seconds = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  return Math.min(Number(seconds) * 1000, LATEST_WAIT_END_MS);
}

/** When a wait of `seconds` that begins at `now` ends. */
export function waitEnd(now: number, seconds: number): number {
  return Math.min(now + seconds * 1000, LATEST_WAIT_END_MS);
}

/**
 * Whether a SecondsPath value is one AWS reads as a number of seconds: an integer a Java long
 * holds (the recorded cause for 1.5 is "cannot be parsed as a long value").
 */
export function isLongSeconds(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63;
}

/**
 * Whether a JSONata Seconds result is a valid wait: "an integer value from 0 up to 99999999 ...
 * a JSONata expression that must evaluate to an integer within the stated range" (Step Functions
 * developer guide, Wait state).
 */
export function isWaitSeconds(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SECONDS;
}

/**
 * Map: its items (read, batched), how many iterations may run at once and how many may fail, each
 * iteration's input, and, once the runner has run the iterations, their outputs (in item order)
 * through the state's dataflow. Pure: the runner starts and runs the iterations.
 */
import type { JsonValue } from '../json.ts';
import type { MapState } from '../definition/types.ts';
import { RuntimeError } from '../errors.ts';
import { resolvePath } from '../query/jsonpath/index.ts';
import {
  evaluateField, fieldError, isStatesError, pathRoots, processBatches, processInput, processItem, processItems,
  type DataflowContext, type Flow,
} from '../dataflow/index.ts';
import { completeWithResult } from './complete.ts';
import { itemReaderRequest, resultWriterRequest, type ItemReaderRequest, type ResultWriterRequest } from './item-reader.ts';
import type { Outcome, StateContext } from './outcome.ts';

export function evaluate(state: MapState, input: JsonValue, ctx: StateContext): Outcome | Promise<Outcome> {
  if (state.ItemReader || state.ResultWriter) return evaluateWithIo(state, input, ctx);
  return ctx.queryLanguage === 'JSONata' ? evaluateJsonata(state, input, ctx) : evaluateJsonPath(state, input, ctx);
}

/** The iterations' outputs, in item order, as the state's result. */
export const complete = completeWithResult<MapState>;

/**
 * Iteration `index`'s input: ItemSelector over the Map's effective input (`mapInput`, from the
 * fanOut), with `Map.Item` in the context object; without a selector, the item itself.
 */
export function iterationInput(state: MapState, mapInput: JsonValue, index: number, item: JsonValue, ctx: StateContext): Flow<JsonValue> | Promise<Flow<JsonValue>> {
  if (ctx.queryLanguage === 'JSONata') return processItem.JSONata(state, mapInput, index, item, ctx);
  return processItem.JSONPath(state, mapInput, index, item, ctx);
}

type NumberField = 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage';

function evaluateJsonPath(state: MapState, input: JsonValue, ctx: StateContext): Outcome {
  const effective = processInput.JSONPath(state, input, ctx);
  if (isStatesError(effective)) return { kind: 'fail', error: effective };
  const items = processItems.JSONPath(state, effective, ctx);
  if (isStatesError(items)) return { kind: 'fail', error: items };
  const batches = state.ItemBatcher ? processBatches.JSONPath(state, items, effective, ctx) : items;
  if (isStatesError(batches)) return { kind: 'fail', error: batches };
  const maxConcurrency = numberFromPath(state, effective, ctx, 'MaxConcurrency');
  if (isStatesError(maxConcurrency)) return { kind: 'fail', error: maxConcurrency };
  const count = numberFromPath(state, effective, ctx, 'ToleratedFailureCount');
  if (isStatesError(count)) return { kind: 'fail', error: count, startedItems: batches.length };
  const percentage = numberFromPath(state, effective, ctx, 'ToleratedFailurePercentage');
  if (isStatesError(percentage)) return { kind: 'fail', error: percentage, startedItems: batches.length };
  return fanOut(effective, batches, maxConcurrency, count, percentage);
}

/**
 * Read in AWS's order: MaxConcurrency before the Map starts, the tolerated failures after (a
 * failure there comes after MapStateStarted, as `startedItems` says).
 */
async function evaluateJsonata(state: MapState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  const items = await processItems.JSONata(state, input, ctx);
  if (isStatesError(items)) return { kind: 'fail', error: items };
  const batches = state.ItemBatcher ? await processBatches.JSONata(state, items, input, ctx) : items;
  if (isStatesError(batches)) return { kind: 'fail', error: batches };
  const maxConcurrency = await numberFromExpression(state, input, ctx, 'MaxConcurrency');
  if (isStatesError(maxConcurrency)) return { kind: 'fail', error: maxConcurrency };
  const count = await numberFromExpression(state, input, ctx, 'ToleratedFailureCount');
  if (isStatesError(count)) return { kind: 'fail', error: count, startedItems: batches.length };
  const percentage = await numberFromExpression(state, input, ctx, 'ToleratedFailurePercentage');
  if (isStatesError(percentage)) return { kind: 'fail', error: percentage, startedItems: batches.length };
  return fanOut(input, batches, maxConcurrency, count, percentage);
}

/**
 * A Distributed Map that reads its items through an ItemReader or writes its results with a
 * ResultWriter: the fanOut says what to read and where to write; the runner reads the items (then
 * batches them with {@link batchItems}) before the Map starts.
 */
async function evaluateWithIo(state: MapState, input: JsonValue, ctx: StateContext): Promise<Outcome> {
  const jsonata = ctx.queryLanguage === 'JSONata';
  let effective: JsonValue = input;
  if (!jsonata) {
    const e = processInput.JSONPath(state, input, ctx);
    if (isStatesError(e)) return { kind: 'fail', error: e };
    effective = e;
  }
  let reader: ItemReaderRequest | undefined;
  let batches: JsonValue[] = [];
  if (state.ItemReader) {
    const r = await itemReaderRequest(state, effective, ctx);
    if (isStatesError(r)) return { kind: 'fail', error: r };
    reader = r;
  } else {
    const items = jsonata ? await processItems.JSONata(state, input, ctx) : processItems.JSONPath(state, effective, ctx);
    if (isStatesError(items)) return { kind: 'fail', error: items };
    const b = await batchItems(state, items, effective, ctx);
    if (isStatesError(b)) return { kind: 'fail', error: b };
    batches = b;
  }
  const writer = await resultWriterRequest(state, effective, ctx);
  if (isStatesError(writer)) return { kind: 'fail', error: writer };
  const maxConcurrency = jsonata ? await numberFromExpression(state, input, ctx, 'MaxConcurrency') : numberFromPath(state, effective, ctx, 'MaxConcurrency');
  if (isStatesError(maxConcurrency)) return { kind: 'fail', error: maxConcurrency };
  const count = jsonata ? await numberFromExpression(state, input, ctx, 'ToleratedFailureCount') : numberFromPath(state, effective, ctx, 'ToleratedFailureCount');
  if (isStatesError(count)) return { kind: 'fail', error: count, startedItems: batches.length };
  const percentage = jsonata ? await numberFromExpression(state, input, ctx, 'ToleratedFailurePercentage') : numberFromPath(state, effective, ctx, 'ToleratedFailurePercentage');
  if (isStatesError(percentage)) return { kind: 'fail', error: percentage, startedItems: batches.length };
  return { ...fanOut(effective, batches, maxConcurrency, count, percentage), reader, writer } as Outcome;
}

/** The items grouped by the ItemBatcher (the items as they are without one). */
export function batchItems(state: MapState, items: JsonValue[], mapInput: JsonValue, ctx: StateContext): Flow<JsonValue[]> | Promise<Flow<JsonValue[]>> {
  if (!state.ItemBatcher) return items;
  return ctx.queryLanguage === 'JSONata' ? processBatches.JSONata(state, items, mapInput, ctx) : processBatches.JSONPath(state, items, mapInput, ctx);
}

function fanOut(input: JsonValue, items: JsonValue[], maxConcurrency?: number, toleratedFailureCount?: number, toleratedFailurePercentage?: number): Outcome {
  return {
    kind: 'fanOut', input, items, maxConcurrency: maxConcurrency ?? 0,
    toleratedFailureCount: toleratedFailureCount ?? 0, toleratedFailurePercentage: toleratedFailurePercentage ?? 0,
  };
}

/** A number field as written, or its `*Path` over the effective input (JSONPath). */
function numberFromPath(state: MapState, effectiveInput: JsonValue, ctx: DataflowContext, field: NumberField): Flow<number | undefined> {
  const v = state[field];
  if (v !== undefined) return checked(field, Number(v));
  const path = state[`${field}Path`];
  if (path === undefined) return undefined;
  const r = resolvePath(path, pathRoots(effectiveInput, ctx));
  const value = r.found ? r.value : null;
  const isFloat = field === 'ToleratedFailurePercentage';
  if (typeof value !== 'number' || (!isFloat && !Number.isInteger(value))) {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    return new RuntimeError(`The ${field}Path field refers to value "${shown}" which is not a valid ${isFloat ? 'float' : 'integer'}: ${path}`);
  }
  return checked(field, value);
}

/** A number field as written or as a JSONata expression over the raw input. */
async function numberFromExpression(state: MapState, input: JsonValue, ctx: StateContext, field: NumberField): Promise<Flow<number | undefined>> {
  const v = state[field];
  if (typeof v !== 'string') return v === undefined ? undefined : checked(field, Number(v));
  const r = await evaluateField(v, { input }, ctx, field);
  if (isStatesError(r)) return r;
  if (typeof r !== 'number') return fieldError(ctx, field, `The ${field} field must evaluate to a number, but was: ${JSON.stringify(r)}`);
  return checked(field, r);
}

function checked(field: NumberField, v: number): Flow<number> {
  if (field === 'ToleratedFailurePercentage' && (v < 0 || v > 100)) return new RuntimeError('ToleratedFailurePercentage must be between 0 and 100.');
  if (field === 'ToleratedFailureCount' && v < 0) return new RuntimeError('ToleratedFailureCount cannot be negative.');
  if (field === 'MaxConcurrency' && v < 0) return new RuntimeError('MaxConcurrency cannot be negative.');
  return v;
}

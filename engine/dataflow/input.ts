/**
 * Input processing, before a state evaluates: the value it works on (a Task's parameters, a
 * Parallel's branch input, the input a Map reads its items from), a Map's items, and each item's
 * input. One entry per query language; the JSONPath ones are synchronous.
 */
import type { JsonObject, JsonValue } from '../json.ts';
import type { MapState, State } from '../definition/types.ts';
import { RuntimeError } from '../errors.ts';
import { jsonTypeOf } from '../query/jsonata/index.ts';
import { fieldError, isStatesError, pathRoots, withContextObject, type DataflowContext, type Flow } from './context.ts';
import { resolvePath } from '../query/jsonpath/index.ts';
import { applyInputPath, applyTemplate, select } from './jsonpath.ts';
import { evaluateField } from './jsonata.ts';

/** The state types whose Parameters (JSONPath) or Arguments (JSONata) make their effective input. */
const TAKES_PARAMETERS = { Pass: true, Task: true, Parallel: true, Map: false, Choice: false, Wait: false, Succeed: false, Fail: false } as const satisfies Record<State['Type'], boolean>;
const TAKES_ARGUMENTS = { Task: true, Parallel: true, Pass: false, Map: false, Choice: false, Wait: false, Succeed: false, Fail: false } as const satisfies Record<State['Type'], boolean>;

/**
 * The state's effective input: JSONPath applies InputPath, then Parameters where the state type
 * has them (a Map's Parameters are its ItemSelector); JSONata applies Arguments (Task, Parallel).
 *
 * @example
 * processInput.JSONPath({ Type: 'Pass', InputPath: '$.a', Parameters: { 'b.$': '$.b' }, End: true }, { a: { b: 1 } }, ctx); // { b: 1 }
 * await processInput.JSONata({ Type: 'Task', Resource: arn, Arguments: '{% $states.input.a %}', End: true }, { a: 1 }, ctx); // 1
 */
export const processInput = {
  JSONPath(state: State, input: JsonValue, ctx: DataflowContext): Flow<JsonValue> {
    const effective = applyInputPath(state.InputPath, input, ctx);
    if (isStatesError(effective) || !TAKES_PARAMETERS[state.Type]) return effective;
    const parameters = (state as { Parameters?: JsonValue }).Parameters;
    return parameters === undefined ? effective : applyTemplate(parameters, effective, ctx, 'Parameters');
  },
  /** A promise only when there is something to evaluate. */
  JSONata(state: State, input: JsonValue, ctx: DataflowContext): Flow<JsonValue> | Promise<Flow<JsonValue>> {
    const args = TAKES_ARGUMENTS[state.Type] ? (state as { Arguments?: JsonValue }).Arguments : undefined;
    return args === undefined ? input : evaluateField(args, { input }, ctx, 'Arguments');
  },
};

/**
 * A Map's items: JSONPath reads ItemsPath from the effective input (after InputPath), JSONata
 * evaluates Items over the raw input; without either, the input itself. Items that are not an
 * array fail as AWS fails them.
 */
export const processItems = {
  JSONPath(state: MapState, effectiveInput: JsonValue, ctx: DataflowContext): Flow<JsonValue[]> {
    const items = state.ItemsPath !== undefined ? select(state.ItemsPath, effectiveInput, ctx, 'ItemsPath') : effectiveInput;
    return isStatesError(items) ? items : mapInputArray(items);
  },
  /** A promise only when there is something to evaluate. */
  JSONata(state: MapState, input: JsonValue, ctx: DataflowContext): Flow<JsonValue[]> | Promise<Flow<JsonValue[]>> {
    if (state.Items === undefined) return mapInputArray(input);
    return evaluateItems(state, input, ctx);
  },
};

async function evaluateItems(state: MapState, input: JsonValue, ctx: DataflowContext): Promise<Flow<JsonValue[]>> {
  const items = await evaluateField(state.Items!, { input }, ctx, 'Items');
  if (isStatesError(items) || Array.isArray(items)) return items;
  const expr = typeof state.Items === 'string' ? state.Items.replace(/^\{%\s*/, '').replace(/\s*%\}$/, '') : JSON.stringify(state.Items);
  return fieldError(ctx, 'Items', `The JSONata expression '${expr}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${jsonTypeOf(items)}' for value: ${JSON.stringify(items)}`);
}

function mapInputArray(items: JsonValue): Flow<JsonValue[]> {
  if (Array.isArray(items)) return items;
  return new RuntimeError(`Map state input must be an array but was: ${typeof items === 'object' ? (items === null ? 'null' : 'object') : typeof items}`);
}

/**
 * One Map iteration's input: ItemSelector (or the older Parameters) over the Map's effective
 * input, with `$$.Map.Item` (`$states.context.Map.Item`) holding the item's index and value;
 * without a selector, the item itself.
 */
export const processItem = {
  JSONPath(state: MapState, mapInput: JsonValue, index: number, item: JsonValue, ctx: DataflowContext): Flow<JsonValue> {
    const selector = state.ItemSelector ?? state.Parameters;
    if (selector === undefined) return item;
    return applyTemplate(selector, mapInput, itemContext(ctx, index, item), 'ItemSelector');
  },
  /** A promise only when there is something to evaluate. */
  JSONata(state: MapState, mapInput: JsonValue, index: number, item: JsonValue, ctx: DataflowContext): Flow<JsonValue> | Promise<Flow<JsonValue>> {
    const selector = state.ItemSelector ?? state.Parameters;
    if (selector === undefined) return item;
    return evaluateField(selector, { input: mapInput }, itemContext(ctx, index, item), 'ItemSelector');
  },
};

function itemContext(ctx: DataflowContext, index: number, item: JsonValue): DataflowContext {
  return withContextObject(ctx, { ...ctx.context, Map: { Item: { Index: index, Value: item } } });
}

type BatchLimit = 'MaxItemsPerBatch' | 'MaxInputBytesPerBatch';

/** What batching reads from an ItemBatcher, once its fields are evaluated. */
interface BatchSpec {
  maxItems?: number;
  maxBytes?: number;
  batchInput?: JsonValue;
}

/**
 * A Map's ItemBatcher: the items in batches of at most MaxItemsPerBatch items and
 * MaxInputBytesPerBatch bytes, each `{ Items }`, with BatchInput beside them when given. JSONPath
 * reads the limits as numbers or from `*Path` over the Map's effective input and BatchInput as a
 * template over it; JSONata evaluates each field (`$states.input` is the Map's input).
 *
 * @example
 * processBatches.JSONPath(map({ ItemBatcher: { MaxItemsPerBatch: 2 } }), [1, 2, 3], {}, ctx); // [{ Items: [1, 2] }, { Items: [3] }]
 */
export const processBatches = {
  JSONPath(state: MapState, items: JsonValue[], mapInput: JsonValue, ctx: DataflowContext): Flow<JsonValue[]> {
    const b = state.ItemBatcher!;
    const spec: BatchSpec = {};
    for (const [field, key] of [['MaxItemsPerBatch', 'maxItems'], ['MaxInputBytesPerBatch', 'maxBytes']] as const) {
      const v = batchLimitFromPath(b, field, mapInput, ctx);
      if (isStatesError(v)) return v;
      spec[key] = v;
    }
    if (b.BatchInput !== undefined) {
      const v = applyTemplate(b.BatchInput, mapInput, ctx, 'BatchInput');
      if (isStatesError(v)) return v;
      spec.batchInput = v;
    }
    return batches(items, spec);
  },
  async JSONata(state: MapState, items: JsonValue[], mapInput: JsonValue, ctx: DataflowContext): Promise<Flow<JsonValue[]>> {
    const b = state.ItemBatcher!;
    const spec: BatchSpec = {};
    for (const [field, key] of [['MaxItemsPerBatch', 'maxItems'], ['MaxInputBytesPerBatch', 'maxBytes']] as const) {
      const v = b[field];
      if (v === undefined) continue;
      const r = await evaluateField(v, { input: mapInput }, ctx, field);
      if (isStatesError(r)) return r;
      if (!isPositiveInteger(r)) return fieldError(ctx, field, `The ${field} field must evaluate to a positive integer, but was: ${JSON.stringify(r)}`);
      spec[key] = r;
    }
    if (b.BatchInput !== undefined) {
      const v = await evaluateField(b.BatchInput, { input: mapInput }, ctx, 'BatchInput');
      if (isStatesError(v)) return v;
      spec.batchInput = v;
    }
    return batches(items, spec);
  },
};

/** A batch limit as a number, or from its `*Path` over the Map's effective input. */
function batchLimitFromPath(b: JsonObject, field: BatchLimit, mapInput: JsonValue, ctx: DataflowContext): Flow<number | undefined> {
  if (typeof b[field] === 'number') return b[field];
  const path = b[`${field}Path`];
  if (typeof path !== 'string') return undefined;
  const r = resolvePath(path, pathRoots(mapInput, ctx));
  const value = r.found ? r.value : null;
  if (!isPositiveInteger(value)) {
    return new RuntimeError(`The ${field}Path field refers to value "${typeof value === 'string' ? value : JSON.stringify(value)}" which is not a valid positive integer: ${path}`);
  }
  return value;
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function batches(items: JsonValue[], { maxItems, maxBytes, batchInput }: BatchSpec): JsonValue[] {
  const out: JsonValue[][] = [];
  let cur: JsonValue[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (cur.length > 0 && ((maxItems !== undefined && cur.length >= maxItems) || (maxBytes !== undefined && bytes + size > maxBytes))) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out.map((items): JsonValue => (batchInput !== undefined ? { BatchInput: batchInput, Items: items } : { Items: items }));
}

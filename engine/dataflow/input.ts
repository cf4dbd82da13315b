/**
 * Input processing, before a state evaluates: the value it works on (a Task's parameters, a
 * Parallel's branch input, the input a Map reads its items from), a Map's items, and each item's
 * input. One entry per query language; the JSONPath ones are synchronous.
 */
import type { JsonValue } from '../json.ts';
import type { MapState, State } from '../definition/types.ts';
import { RuntimeError } from '../errors.ts';
import { jsonTypeOf } from '../query/jsonata/index.ts';
import { fieldError, isStatesError, withContextObject, type DataflowContext, type Flow } from './context.ts';
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

/**
 * A Map's ItemBatcher: the items in batches of at most MaxItemsPerBatch items and
 * MaxInputBytesPerBatch bytes, each `{ Items }`, with BatchInput (a template over the Map's
 * effective input) beside them when given.
 */
export function processBatches(state: MapState, items: JsonValue[], mapInput: JsonValue, ctx: DataflowContext): Flow<JsonValue[]> {
  const b = state.ItemBatcher!;
  const maxItems = typeof b.MaxItemsPerBatch === 'number' ? b.MaxItemsPerBatch : undefined;
  const maxBytes = typeof b.MaxInputBytesPerBatch === 'number' ? b.MaxInputBytesPerBatch : undefined;
  let batchInput: JsonValue | undefined;
  if (b.BatchInput !== undefined) {
    const v = applyTemplate(b.BatchInput, mapInput, ctx, 'BatchInput');
    if (isStatesError(v)) return v;
    batchInput = v;
  }
  const batches: JsonValue[][] = [];
  let cur: JsonValue[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (cur.length > 0 && ((maxItems !== undefined && cur.length >= maxItems) || (maxBytes !== undefined && bytes + size > maxBytes))) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += size;
  }
  if (cur.length > 0) batches.push(cur);
  return batches.map((items): JsonValue => (batchInput !== undefined ? { BatchInput: batchInput, Items: items } : { Items: items }));
}

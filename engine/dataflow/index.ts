/**
 * Input and output processing, written once for both query languages and every state type:
 * pure functions over plain data, `(fields, input, context) → value | StatesError`.
 *
 * The lifecycle calls one entry per phase: `processInput` before a state evaluates (and, for a
 * Map, `processItems` and `processItem`), `processOutput` after it (or `processCatch` when a
 * catcher handles its error). The steps they are made of (`applyInputPath`, `applyTemplate`,
 * `applyResultPath`, ...) are exported for TestState's inspection data. Nothing here reads a
 * clock or draws an id by itself: `DataflowContext` brings them.
 *
 * @example
 * const ctx: DataflowContext = { stateName: 'S', enteredEventId: 2, context: {}, variables: {}, uuid, random };
 * const params = processInput.JSONPath(state, input, ctx);
 * if (isStatesError(params)) return { kind: 'fail', error: params };
 * const exit = processOutput.JSONPath(state, input, taskResult, ctx);
 */
export { isStatesError, pathRoots, withContextObject, fieldError } from './context.ts';
export type { DataflowContext, Flow, StatesError } from './context.ts';
export { processInput, processItems, processItem, processBatches } from './input.ts';
export { processOutput, processCatch } from './output.ts';
export type { Exit } from './output.ts';
export { applyDynamicValue, applyInputPath, applyOutputPath, applyResultPath, applyTemplate, bracketPath, select } from './jsonpath.ts';
export { evaluateField } from './jsonata.ts';
export type { StatesValues } from './jsonata.ts';
export { MAX_PAYLOAD_BYTES, payloadSizeError } from './limits.ts';

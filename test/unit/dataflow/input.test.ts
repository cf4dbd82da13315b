import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import type { MapState, State } from '../../../engine/definition/types.ts';
import { RuntimeError, QueryEvaluationError } from '../../../engine/errors.ts';
import { processBatches, processInput, processItem, processItems } from '../../../engine/dataflow/index.ts';
import { PREFIX, plainContext } from './fixtures.ts';

const TASK = 'arn:aws:lambda:us-east-1:123456789012:function:f';
const state = (fields: Record<string, JsonValue>): State => ({ End: true, ...fields }) as unknown as State;
const map = (fields: Record<string, JsonValue>): MapState => ({ Type: 'Map', ItemProcessor: { StartAt: 'P', States: {} }, End: true, ...fields }) as unknown as MapState;

describe('processInput.JSONPath', () => {
  it.each<[string, State, JsonValue, JsonValue]>([
    ['passes the raw input without InputPath', state({ Type: 'Task', Resource: TASK }), { a: 1 }, { a: 1 }],
    ['selects with InputPath', state({ Type: 'Pass', InputPath: '$.a' }), { a: { b: 1 } }, { b: 1 }],
    ['makes {} of a null InputPath', state({ Type: 'Pass', InputPath: null }), { a: 1 }, {}],
    ['applies Parameters over the InputPath selection', state({ Type: 'Task', Resource: TASK, InputPath: '$.a', Parameters: { 'v.$': '$.b', k: 1 } }), { a: { b: 2 } }, { v: 2, k: 1 }],
    ['reads the context object with $$', state({ Type: 'Pass', Parameters: { 'name.$': '$$.Execution.Name' } }), {}, { name: 'run-1' }],
    ['reads a variable with $name', state({ Type: 'Parallel', Branches: [], Parameters: { 'n.$': '$limit' } }), {}, { n: 3 }],
    ['draws ids from the context for States.UUID', state({ Type: 'Pass', Parameters: { 'id.$': 'States.UUID()' } }), {}, { id: 'uuid-1' }],
    ['evaluates intrinsics over the effective input', state({ Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' } }), { i: 41 }, { i: 42 }],
    ["leaves a Map's Parameters to its items (they are its ItemSelector)", map({ Parameters: { x: 1 } }), [1], [1]],
  ])('%s', (_, s, input, expected) => {
    // Act
    const out = processInput.JSONPath(s, input, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it.each<[string, State, JsonValue, string, string | undefined]>([
    ['an InputPath that matches nothing', state({ Type: 'Pass', InputPath: '$.missing.x' }), { a: 1 }, "Invalid path '$.missing.x' : No results for path: $['missing']['x']", 'InputPath'],
    ['a Parameters path that matches nothing', state({ Type: 'Task', Resource: TASK, Parameters: { 'v.$': '$.nope' } }), { a: 1 }, `The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{"a":1}'`, undefined],
  ])('fails States.Runtime for %s', (_, s, input, cause, location) => {
    // Act
    const out = processInput.JSONPath(s, input, plainContext());
    // Assess
    expect(out).toBeInstanceOf(RuntimeError);
    expect(out).toMatchObject({ error: 'States.Runtime', causeText: cause, location });
  });

  it('fails States.Runtime, quoting the function, for a bad intrinsic argument', () => {
    // Act
    const out = processInput.JSONPath(state({ Type: 'Pass', Parameters: { 'v.$': 'States.ArrayGetItem($.a, 5)' } }), { a: [1] }, plainContext());
    // Assess
    expect(out).toMatchObject({ error: 'States.Runtime', causeText: "The function 'States.ArrayGetItem($.a, 5)' had the following error: Invalid arguments in States.ArrayGetItem" });
  });
});

describe('processInput.JSONata', () => {
  it.each<[string, State, JsonValue, JsonValue]>([
    ['evaluates Arguments over $states.input', state({ Type: 'Task', Resource: TASK, Arguments: { v: '{% $states.input.a + 1 %}' } }), { a: 1 }, { v: 2 }],
    ['reads $states.context and variables in Arguments', state({ Type: 'Parallel', Branches: [], Arguments: '{% [$states.context.Execution.Name, $limit] %}' }), {}, ['run-1', 3]],
    ['draws $uuid() from the context', state({ Type: 'Task', Resource: TASK, Arguments: { id: '{% $uuid() %}' } }), {}, { id: 'uuid-1' }],
  ])('%s', async (_, s, input, expected) => {
    // Act
    const out = await processInput.JSONata(s, input, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it.each<[string, State]>([
    ['a Task without Arguments', state({ Type: 'Task', Resource: TASK })],
    ['a Pass (no Arguments field)', state({ Type: 'Pass' })],
    ['a Choice', state({ Type: 'Choice', Choices: [] })],
  ])('passes the raw input on at once for %s', (_, s) => {
    // Prepare
    const input = { a: 1 };
    // Act
    const out = processInput.JSONata(s, input, plainContext());
    // Assess: not a promise, the very input
    expect(out).toBe(input);
  });

  it.each<[string, JsonValue, string]>([
    ['Arguments that return nothing', '{% $states.input.missing %}', "The JSONata expression '$states.input.missing' specified for the field 'Arguments' returned nothing (undefined)."],
    ['$states.result, which Arguments do not see', '{% $states.result %}', "The JSONata expression '$states.result' specified for the field 'Arguments' returned nothing (undefined)."],
    ['$states.errorOutput, which Arguments do not see', { e: '{% $states.errorOutput %}' }, "The JSONata expression '$states.errorOutput' specified for the field 'Arguments/e' returned nothing (undefined)."],
  ])('fails States.QueryEvaluationError for %s', async (_, args, detail) => {
    // Act
    const out = await processInput.JSONata(state({ Type: 'Task', Resource: TASK, Arguments: args }), { a: 1 }, plainContext());
    // Assess
    expect(out).toBeInstanceOf(QueryEvaluationError);
    expect(out).toMatchObject({ error: 'States.QueryEvaluationError', causeText: `${PREFIX} ${detail}` });
  });
});

describe('processItems', () => {
  it.each<[string, MapState, JsonValue, JsonValue]>([
    ['takes the effective input as the items', map({}), [1, 2], [1, 2]],
    ['reads ItemsPath', map({ ItemsPath: '$.list' }), { list: ['a'] }, ['a']],
    ['reads ItemsPath from a variable', map({ ItemsPath: '$xs' }), {}, [9]],
  ])('JSONPath %s', (_, s, input, expected) => {
    // Act
    const out = processItems.JSONPath(s, input, plainContext({ variables: { xs: [9] } }));
    // Assess
    expect(out).toEqual(expected);
  });

  it.each<[string, MapState, JsonValue, string]>([
    ['an object', map({}), { a: 1 }, 'Map state input must be an array but was: object'],
    ['null', map({ ItemsPath: '$.a' }), { a: null }, 'Map state input must be an array but was: null'],
    ['a string', map({ ItemsPath: '$.a' }), { a: 'x' }, 'Map state input must be an array but was: string'],
  ])('JSONPath fails States.Runtime for items that are %s', (_, s, input, cause) => {
    // Act
    const out = processItems.JSONPath(s, input, plainContext());
    // Assess
    expect(out).toMatchObject({ error: 'States.Runtime', causeText: cause });
  });

  it('JSONPath fails an ItemsPath that matches nothing, located at ItemsPath', () => {
    // Act
    const out = processItems.JSONPath(map({ ItemsPath: '$.nope' }), {}, plainContext());
    // Assess
    expect(out).toMatchObject({ error: 'States.Runtime', causeText: "Invalid path '$.nope' : No results for path: $['nope']", location: 'ItemsPath' });
  });

  it('JSONata evaluates Items', async () => {
    // Act
    const out = await processItems.JSONata(map({ Items: '{% $states.input.xs %}' }), { xs: [1, 2] }, plainContext());
    // Assess
    expect(out).toEqual([1, 2]);
  });

  it('JSONata fails Items that are not an array with the expression quoted', async () => {
    // Act
    const out = await processItems.JSONata(map({ Items: '{% $states.input.n %}' }), { n: 5 }, plainContext());
    // Assess
    expect(out).toMatchObject({
      error: 'States.QueryEvaluationError',
      location: 'Items',
      causeText: `${PREFIX} The JSONata expression '$states.input.n' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 5`,
    });
  });

  it('JSONata without Items fails an input that is not an array as States.Runtime', () => {
    // Act
    const out = processItems.JSONata(map({}), { n: 5 }, plainContext());
    // Assess
    expect(out).toMatchObject({ error: 'States.Runtime', causeText: 'Map state input must be an array but was: object' });
  });
});

describe('processItem', () => {
  it.each<[string, MapState, JsonValue]>([
    ['is the item itself without a selector', map({}), 'b'],
    ['reads $$.Map.Item and the Map input in ItemSelector', map({ ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'k.$': '$.k' } }), { i: 1, v: 'b', k: 'K' }],
    ['takes the older Parameters as the ItemSelector', map({ Parameters: { 'v.$': '$$.Map.Item.Value' } }), { v: 'b' }],
  ])('JSONPath %s', (_, s, expected) => {
    // Act
    const out = processItem.JSONPath(s, { k: 'K' }, 1, 'b', plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it('JSONata reads $states.context.Map.Item and $states.input in ItemSelector', async () => {
    // Act
    const out = await processItem.JSONata(map({ ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}', k: '{% $states.input.k %}' } }), { k: 'K' }, 1, 'b', plainContext());
    // Assess
    expect(out).toEqual({ i: 1, v: 'b', k: 'K' });
  });

  it("leaves the state's own context object unchanged", () => {
    // Prepare
    const ctx = plainContext();
    // Act
    processItem.JSONPath(map({ ItemSelector: { 'v.$': '$$.Map.Item.Value' } }), {}, 0, 'a', ctx);
    // Assess
    expect(ctx.context).not.toHaveProperty('Map');
  });
});

describe('processBatches', () => {
  it.each<[string, Record<string, JsonValue>, JsonValue[]]>([
    ['groups by MaxItemsPerBatch', { MaxItemsPerBatch: 2 }, [{ Items: [1, 2] }, { Items: [3] }]],
    ['groups by MaxInputBytesPerBatch', { MaxInputBytesPerBatch: 1 }, [{ Items: [1] }, { Items: [2] }, { Items: [3] }]],
    ['adds BatchInput, a template over the Map input', { MaxItemsPerBatch: 3, BatchInput: { 'k.$': '$.k' } }, [{ BatchInput: { k: 'K' }, Items: [1, 2, 3] }]],
  ])('%s', (_, batcher, expected) => {
    // Act
    const out = processBatches.JSONPath(map({ ItemBatcher: batcher }), [1, 2, 3], { k: 'K' }, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });
});

describe('processBatches reads its limits from paths and expressions', () => {
  it.each<[string, Record<string, JsonValue>, JsonValue[]]>([
    ['reads MaxItemsPerBatchPath over the Map input', { MaxItemsPerBatchPath: '$.n' }, [{ Items: [1, 2] }, { Items: [3] }]],
    ['reads MaxInputBytesPerBatchPath over the Map input', { MaxInputBytesPerBatchPath: '$.bytes' }, [{ Items: [1] }, { Items: [2] }, { Items: [3] }]],
  ])('%s (JSONPath)', (_, batcher, expected) => {
    // Act
    const out = processBatches.JSONPath(map({ ItemBatcher: batcher }), [1, 2, 3], { n: 2, bytes: 1 }, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it('fails with States.Runtime when MaxItemsPerBatchPath selects no positive integer', () => {
    // Act
    const out = processBatches.JSONPath(map({ ItemBatcher: { MaxItemsPerBatchPath: '$.n' } }), [1, 2, 3], { n: 'two' }, plainContext());
    // Assess
    expect(out).toBeInstanceOf(RuntimeError);
    expect((out as RuntimeError).causeText).toBe('The MaxItemsPerBatchPath field refers to value "two" which is not a valid positive integer: $.n');
  });

  it('evaluates MaxItemsPerBatch and BatchInput expressions (JSONata)', async () => {
    // Act
    const out = await processBatches.JSONata(
      map({ ItemBatcher: { MaxItemsPerBatch: '{% $states.input.n %}', BatchInput: { k: '{% $states.input.k %}' } } }),
      [1, 2, 3], { n: 2, k: 'K' }, plainContext(),
    );
    // Assess
    expect(out).toEqual([{ BatchInput: { k: 'K' }, Items: [1, 2] }, { BatchInput: { k: 'K' }, Items: [3] }]);
  });

  it('fails with States.QueryEvaluationError when a JSONata limit is no positive integer', async () => {
    // Act
    const out = await processBatches.JSONata(map({ ItemBatcher: { MaxItemsPerBatch: '{% 1.5 %}' } }), [1, 2, 3], {}, plainContext());
    // Assess
    expect(out).toBeInstanceOf(QueryEvaluationError);
    expect((out as QueryEvaluationError).causeText).toContain('The MaxItemsPerBatch field must evaluate to a positive integer, but was: 1.5');
  });
});

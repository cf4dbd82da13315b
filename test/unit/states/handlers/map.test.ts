import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../../engine/json.ts';
import type { MapState, QueryLanguage } from '../../../../engine/definition/types.ts';
import { QueryEvaluationError, RuntimeError } from '../../../../engine/errors.ts';
import { complete, evaluate, iterationInput } from '../../../../engine/states/map.ts';
import type { Outcome } from '../../../../engine/states/index.ts';
import { PREFIX, state, stateContext } from './fixtures.ts';

const PROCESSOR = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const map = (fields: Record<string, unknown>): MapState => state({ Type: 'Map', ItemProcessor: PROCESSOR, Next: 'B', ...fields });
const fanOut = (input: JsonValue, items: JsonValue[], limits: Partial<Record<'maxConcurrency' | 'toleratedFailureCount' | 'toleratedFailurePercentage', number>> = {}): Outcome => ({
  kind: 'fanOut', input, items, maxConcurrency: 0, toleratedFailureCount: 0, toleratedFailurePercentage: 0, ...limits,
});

describe('Map handler: evaluate', () => {
  it.each<[string, QueryLanguage, MapState, JsonValue, Outcome]>([
    ['iterates over its input when it has no ItemsPath', 'JSONPath', map({}), [1, 2], fanOut([1, 2], [1, 2])],
    ['iterates over what ItemsPath selects', 'JSONPath', map({ ItemsPath: '$.xs' }), { xs: ['a', 'b'], k: 1 }, fanOut({ xs: ['a', 'b'], k: 1 }, ['a', 'b'])],
    [
      'reads ItemsPath over the InputPath selection, which the iterations start from',
      'JSONPath',
      map({ InputPath: '$.in', ItemsPath: '$.xs' }),
      { in: { xs: [1] }, xs: [9, 9] },
      fanOut({ xs: [1] }, [1]),
    ],
    ['reads ItemsPath from a variable', 'JSONPath', map({ ItemsPath: '$list' }), {}, fanOut({}, [1, 2])],
    ['iterates over its raw input when it has no Items', 'JSONata', map({}), [1, 2], fanOut([1, 2], [1, 2])],
    ['iterates over what the Items expression evaluates to', 'JSONata', map({ Items: '{% $states.input.xs[$ > 1] %}' }), { xs: [1, 2, 3] }, fanOut({ xs: [1, 2, 3] }, [2, 3])],
    ['iterates over an Items array with expressions inside', 'JSONata', map({ Items: [1, '{% $states.input.a %}'] }), { a: 5 }, fanOut({ a: 5 }, [1, 5])],
    ['iterates over no items at all', 'JSONPath', map({}), [], fanOut([], [])],
  ])('%s (%s)', async (_, ql, s, input, expected) => {
    // Prepare
    const ctx = stateContext(ql, { variables: { list: [1, 2] } });

    // Act
    const outcome = await evaluate(s, input, ctx);

    // Assess
    expect(outcome).toEqual(expected);
  });

  it.each<[string, QueryLanguage, MapState, JsonValue, string]>([
    ['an object', 'JSONPath', map({}), { a: 1 }, 'Map state input must be an array but was: object'],
    ['a string ItemsPath selects', 'JSONPath', map({ ItemsPath: '$.xs' }), { xs: 'abc' }, 'Map state input must be an array but was: string'],
    ['a null ItemsPath selects', 'JSONPath', map({ ItemsPath: '$.xs' }), { xs: null }, 'Map state input must be an array but was: null'],
    ['a number', 'JSONPath', map({}), 7, 'Map state input must be an array but was: number'],
    ['an object, in JSONata', 'JSONata', map({}), { a: 1 }, 'Map state input must be an array but was: object'],
  ])('fails with States.Runtime when its items are %s', async (_, ql, s, input, cause) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
  });

  it('fails with States.Runtime when ItemsPath selects nothing', async () => {
    // Act
    const outcome = await evaluate(map({ ItemsPath: '$.xs' }), { a: 1 }, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe("Invalid path '$.xs' : No results for path: $['xs']");
    expect(outcome.error.location).toBe('ItemsPath');
  });

  it('fails with States.QueryEvaluationError when Items evaluates to something other than an array', async () => {
    // Act
    const outcome = await evaluate(map({ Items: '{% $states.input.n %}' }), { n: 5 }, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toBe(
      `${PREFIX} The JSONata expression '$states.input.n' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 5`,
    );
    expect(outcome.error.location).toBe('Items');
  });

  it.each<[string, QueryLanguage, MapState, JsonValue, JsonValue[]]>([
    ['batches at most MaxItemsPerBatch items', 'JSONPath', map({ ItemBatcher: { MaxItemsPerBatch: 2 } }), [1, 2, 3], [{ Items: [1, 2] }, { Items: [3] }]],
    ['batches at most MaxInputBytesPerBatch bytes of items', 'JSONPath', map({ ItemBatcher: { MaxInputBytesPerBatch: 8 } }), ['aa', 'bb', 'cc'], [{ Items: ['aa', 'bb'] }, { Items: ['cc'] }]],
    ['puts an item bigger than MaxInputBytesPerBatch in a batch of its own', 'JSONPath', map({ ItemBatcher: { MaxInputBytesPerBatch: 3 } }), ['aaaa', 'b'], [{ Items: ['aaaa'] }, { Items: ['b'] }]],
    [
      'puts BatchInput, a template over the effective input, beside each batch',
      'JSONPath',
      map({ ItemsPath: '$.xs', ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'k.$': '$.k', fixed: 1 } } }),
      { k: 'v', xs: [1, 2, 3] },
      [{ BatchInput: { k: 'v', fixed: 1 }, Items: [1, 2] }, { BatchInput: { k: 'v', fixed: 1 }, Items: [3] }],
    ],
    ['batches all items in one batch without a limit', 'JSONPath', map({ ItemBatcher: {} }), [1, 2, 3], [{ Items: [1, 2, 3] }]],
    ['batches at most MaxItemsPerBatch items in JSONata', 'JSONata', map({ ItemBatcher: { MaxItemsPerBatch: 2 } }), [1, 2, 3], [{ Items: [1, 2] }, { Items: [3] }]],
  ])('%s (%s)', async (_, ql, s, input, batches) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toMatchObject({ kind: 'fanOut', items: batches });
  });

  it.each<[string, QueryLanguage, MapState, JsonValue, [number, number, number]]>([
    ['runs unbounded, tolerating no failure, by default', 'JSONPath', map({}), [], [0, 0, 0]],
    ['takes the limits as numbers', 'JSONPath', map({ MaxConcurrency: 2, ToleratedFailureCount: 1, ToleratedFailurePercentage: 12.5 }), [], [2, 1, 12.5]],
    [
      'reads the limits from paths over the InputPath selection',
      'JSONPath',
      map({ InputPath: '$.in', ItemsPath: '$.xs', MaxConcurrencyPath: '$.mc', ToleratedFailureCountPath: '$.n', ToleratedFailurePercentagePath: '$.p' }),
      { in: { xs: [], mc: 4, n: 2, p: 25.5 }, mc: 9 },
      [4, 2, 25.5],
    ],
    ['reads a limit from a variable', 'JSONPath', map({ MaxConcurrencyPath: '$limit' }), [], [3, 0, 0]],
    ['takes the limits as numbers in JSONata', 'JSONata', map({ MaxConcurrency: 2, ToleratedFailureCount: 1, ToleratedFailurePercentage: 12.5 }), [], [2, 1, 12.5]],
    [
      'evaluates the limits as expressions over the raw input',
      'JSONata',
      map({ Items: '{% $states.input.xs %}', MaxConcurrency: '{% $states.input.mc %}', ToleratedFailureCount: '{% $limit %}', ToleratedFailurePercentage: '{% $states.input.p / 2 %}' }),
      { xs: [], mc: 5, p: 15 },
      [5, 3, 7.5],
    ],
  ])('%s (%s)', async (_, ql, s, input, [maxConcurrency, toleratedFailureCount, toleratedFailurePercentage]) => {
    // Act
    const outcome = await evaluate(s, input, stateContext(ql));

    // Assess
    expect(outcome).toMatchObject({ kind: 'fanOut', maxConcurrency, toleratedFailureCount, toleratedFailurePercentage });
  });

  it.each<[string, MapState, JsonValue, string]>([
    ['a MaxConcurrencyPath that selects nothing', map({ MaxConcurrencyPath: '$.mc' }), { a: 1 }, 'The MaxConcurrencyPath field refers to value "null" which is not a valid integer: $.mc'],
    ['a MaxConcurrencyPath to a fraction', map({ MaxConcurrencyPath: '$.mc' }), { mc: 1.5 }, 'The MaxConcurrencyPath field refers to value "1.5" which is not a valid integer: $.mc'],
    ['a negative MaxConcurrency', map({ MaxConcurrency: -1 }), {}, 'MaxConcurrency cannot be negative.'],
    ['a MaxConcurrencyPath to a negative number', map({ MaxConcurrencyPath: '$.mc' }), { mc: -2 }, 'MaxConcurrency cannot be negative.'],
  ])('fails with States.Runtime, before the Map starts, on %s', async (_, s, extra, cause) => {
    // Act
    const outcome = await evaluate({ ...s, ItemsPath: '$.xs' }, { xs: [1, 2], ...(extra as object) }, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
    expect(outcome).not.toHaveProperty('startedItems');
  });

  it.each<[string, MapState, JsonValue, string]>([
    ['a ToleratedFailureCountPath to a string', map({ ToleratedFailureCountPath: '$.n' }), { n: 'x' }, 'The ToleratedFailureCountPath field refers to value "x" which is not a valid integer: $.n'],
    ['a ToleratedFailureCountPath to a fraction', map({ ToleratedFailureCountPath: '$.n' }), { n: 0.5 }, 'The ToleratedFailureCountPath field refers to value "0.5" which is not a valid integer: $.n'],
    ['a negative ToleratedFailureCount', map({ ToleratedFailureCount: -1 }), {}, 'ToleratedFailureCount cannot be negative.'],
    ['a ToleratedFailurePercentagePath that selects nothing', map({ ToleratedFailurePercentagePath: '$.p' }), {}, 'The ToleratedFailurePercentagePath field refers to value "null" which is not a valid float: $.p'],
    ['a ToleratedFailurePercentagePath to a boolean', map({ ToleratedFailurePercentagePath: '$.p' }), { p: true }, 'The ToleratedFailurePercentagePath field refers to value "true" which is not a valid float: $.p'],
    ['a ToleratedFailurePercentage over 100', map({ ToleratedFailurePercentage: 100.5 }), {}, 'ToleratedFailurePercentage must be between 0 and 100.'],
    ['a ToleratedFailurePercentagePath to a negative number', map({ ToleratedFailurePercentagePath: '$.p' }), { p: -1 }, 'ToleratedFailurePercentage must be between 0 and 100.'],
  ])('fails with States.Runtime, after the Map has started its items, on %s', async (_, s, extra, cause) => {
    // Act
    const outcome = await evaluate({ ...s, ItemsPath: '$.xs' }, { xs: [1, 2, 3], ...(extra as object) }, stateContext('JSONPath'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
    expect(outcome.startedItems).toBe(3);
  });

  it('counts started batches, not items, when a tolerated-failure field fails', async () => {
    // Prepare
    const s = map({ ItemBatcher: { MaxItemsPerBatch: 2 }, ToleratedFailureCount: -1 });

    // Act
    const outcome = await evaluate(s, [1, 2, 3], stateContext('JSONPath'));

    // Assess
    expect(outcome).toMatchObject({ kind: 'fail', startedItems: 2 });
  });

  it.each<[string, MapState, string, string, number | undefined]>([
    ['a MaxConcurrency that is a string', map({ MaxConcurrency: '{% $states.input.v %}' }), 'MaxConcurrency', `${PREFIX} The MaxConcurrency field must evaluate to a number, but was: "x"`, undefined],
    ['a ToleratedFailureCount that is a string', map({ ToleratedFailureCount: '{% $states.input.v %}' }), 'ToleratedFailureCount', `${PREFIX} The ToleratedFailureCount field must evaluate to a number, but was: "x"`, 2],
    ['a ToleratedFailurePercentage that is a string', map({ ToleratedFailurePercentage: '{% $states.input.v %}' }), 'ToleratedFailurePercentage', `${PREFIX} The ToleratedFailurePercentage field must evaluate to a number, but was: "x"`, 2],
  ])('fails with States.QueryEvaluationError on %s', async (_, s, location, cause, startedItems) => {
    // Act
    const outcome = await evaluate({ ...s, Items: '{% $states.input.xs %}' }, { xs: [1, 2], v: 'x' }, stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(QueryEvaluationError);
    expect(outcome.error.causeText).toBe(cause);
    expect(outcome.error.location).toBe(location);
    expect(outcome.startedItems).toBe(startedItems);
  });

  it.each<[string, MapState, string, number | undefined]>([
    ['a negative MaxConcurrency', map({ MaxConcurrency: '{% -1 %}' }), 'MaxConcurrency cannot be negative.', undefined],
    ['a negative ToleratedFailureCount', map({ ToleratedFailureCount: '{% -1 %}' }), 'ToleratedFailureCount cannot be negative.', 1],
    ['a ToleratedFailurePercentage over 100', map({ ToleratedFailurePercentage: '{% 101 %}' }), 'ToleratedFailurePercentage must be between 0 and 100.', 1],
  ])('fails with States.Runtime on an expression that evaluates to %s', async (_, s, cause, startedItems) => {
    // Act
    const outcome = await evaluate(s, ['only'], stateContext('JSONata'));

    // Assess
    expect(outcome.kind).toBe('fail');
    if (outcome.kind !== 'fail') return;
    expect(outcome.error).toBeInstanceOf(RuntimeError);
    expect(outcome.error.causeText).toBe(cause);
    expect(outcome.startedItems).toBe(startedItems);
  });
});

describe('Map handler: iterationInput', () => {
  const MAP_INPUT = { k: 'v', xs: ['a', 'b'] };

  it.each<[string, QueryLanguage, MapState, JsonValue]>([
    ['starts an iteration from its item when there is no ItemSelector', 'JSONPath', map({}), 'b'],
    [
      'selects with ItemSelector over the Map input, the item index and value',
      'JSONPath',
      map({ ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'k.$': '$.k', 'run.$': '$$.Execution.Name', fixed: 0 } }),
      { i: 1, v: 'b', k: 'v', run: 'run-1', fixed: 0 },
    ],
    ['takes the older Parameters as its ItemSelector', 'JSONPath', map({ Parameters: { 'v.$': '$$.Map.Item.Value' } }), { v: 'b' }],
    ['starts an iteration from its item when there is no ItemSelector in JSONata', 'JSONata', map({}), 'b'],
    [
      'evaluates ItemSelector over the Map input, the item index and value',
      'JSONata',
      map({ ItemSelector: { i: '{% $states.context.Map.Item.Index %}', v: '{% $states.context.Map.Item.Value %}', k: '{% $states.input.k %}', run: '{% $states.context.Execution.Name %}' } }),
      { i: 1, v: 'b', k: 'v', run: 'run-1' },
    ],
  ])('%s (%s)', async (_, ql, s, expected) => {
    // Act
    const input = await iterationInput(s, MAP_INPUT, 1, 'b', stateContext(ql));

    // Assess
    expect(input).toEqual(expected);
  });

  it('fails with States.Runtime when an ItemSelector path selects nothing', async () => {
    // Act
    const input = await iterationInput(map({ ItemSelector: { 'x.$': '$.missing' } }), { k: 'v' }, 0, 'a', stateContext('JSONPath'));

    // Assess
    expect(input).toBeInstanceOf(RuntimeError);
    expect((input as RuntimeError).causeText).toBe('The JSONPath \'$.missing\' specified for the field \'x.$\' could not be found in the input \'{"k":"v"}\'');
  });
});

describe('Map handler: complete', () => {
  const INPUT = { a: 1 };
  const RESULTS: JsonValue[] = [10, 20];

  it.each<[string, QueryLanguage, MapState, Outcome]>([
    ["passes the iterations' outputs on, in item order", 'JSONPath', map({}), { kind: 'next', next: 'B', output: [10, 20], assigned: null }],
    [
      'places the outputs with ResultPath and assigns from them',
      'JSONPath',
      map({ Next: undefined, End: true, ResultPath: '$.out', Assign: { 'first.$': '$[0]' } }),
      { kind: 'end', output: { a: 1, out: [10, 20] }, assigned: { first: 10 } },
    ],
    ['selects from the outputs with ResultSelector', 'JSONPath', map({ ResultSelector: { 'second.$': '$[1]' } }), { kind: 'next', next: 'B', output: { second: 20 }, assigned: null }],
    [
      'evaluates Output and Assign over $states.result',
      'JSONata',
      map({ Output: '{% $sum($states.result) + $states.input.a %}', Assign: { n: '{% $count($states.result) %}' } }),
      { kind: 'next', next: 'B', output: 31, assigned: { n: 2 } },
    ],
  ])('%s (%s)', async (_, ql, s, expected) => {
    // Act
    const outcome = await complete(s, INPUT, RESULTS, stateContext(ql));

    // Assess
    expect(outcome).toEqual(expected);
  });
});

/**
 * Map: runs its ItemProcessor once per item of an array; its result is the array of the
 * iteration outputs in item order. Covers ItemsPath/Items, ItemSelector (and the legacy
 * Iterator/Parameters), MaxConcurrency on the virtual clock, failures, and the Distributed-mode
 * fields ToleratedFailureCount/Percentage and ItemBatcher.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import {
  apiError, detailsOf, eventTypes, eventsOf, fakeTasks, lambdaArn, secondsAfterStart, taskError, testEngines,
} from '../../support/engine-env.ts';

const testEngine = testEngines();

const PROCESS = lambdaArn('process');

/** A task that fails for items with `fail: true` and doubles `n` otherwise. */
const processItem = () =>
  fakeTasks({
    [PROCESS]: (p) => {
      const item = p as JsonObject;
      if (item.fail) throw taskError('ItemFailed', `item ${JSON.stringify(item.n)}`);
      return (item.n as number) * 2;
    },
  });

function map(fields: object, processor: Record<string, object> = { Item: { Type: 'Pass', End: true } }, mode: 'INLINE' | 'DISTRIBUTED' = 'INLINE'): object {
  const ProcessorConfig = mode === 'DISTRIBUTED' ? { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } : { Mode: 'INLINE' };
  return {
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: { ProcessorConfig, StartAt: Object.keys(processor)[0], States: processor }, ...fields, End: true } },
  };
}

const waitTen = { Pause: { Type: 'Wait', Seconds: 10, End: true } };

describe('Map state', () => {
  it('runs the processor once per item and outputs the results in item order', async () => {
    // Prepare
    const tasks = processItem();
    const env = testEngine({ tasks });

    // Act
    const { outcome } = await env.run(map({}, { Work: { Type: 'Task', Resource: PROCESS, End: true } }), [{ n: 1 }, { n: 2 }, { n: 3 }]);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [2, 4, 6] });
    expect(tasks.received.map((r) => r.parameters)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('records MapStateStarted with the item count, a started and succeeded event per iteration, then MapStateSucceeded', async () => {
    const env = testEngine();

    const { history } = await env.run(map({ MaxConcurrency: 1 }), ['a', 'b']);

    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted',
      'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
      'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
      'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
    expect(detailsOf(history[2])).toEqual({ length: 2 });
    expect(eventsOf(history, 'MapIterationStarted').map(detailsOf)).toEqual([{ index: 0, name: 'M' }, { index: 1, name: 'M' }]);
  });

  it('outputs an empty array for an empty array, with no iterations', async () => {
    const env = testEngine();

    const { outcome, history } = await env.run(map({}), []);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [] });
    expect(eventsOf(history, 'MapIterationStarted')).toEqual([]);
  });

  it('iterates over the array ItemsPath selects and places the results with ResultPath', async () => {
    const env = testEngine();

    const { outcome } = await env.run(map({ ItemsPath: '$.order.lines', ResultPath: '$.processed' }), { order: { lines: [1, 2] } });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { order: { lines: [1, 2] }, processed: [1, 2] } });
  });

  it('builds each iteration input with ItemSelector from the state input and $$.Map.Item', async () => {
    const env = testEngine();
    const fields = {
      ItemsPath: '$.items',
      ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'partner.$': '$.partner', constant: 'c' },
    };

    const { outcome } = await env.run(map(fields), { partner: 'UQS', items: ['x', 'y'] });

    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: [
        { index: 0, value: 'x', partner: 'UQS', constant: 'c' },
        { index: 1, value: 'y', partner: 'UQS', constant: 'c' },
      ],
    });
  });

  it('accepts the legacy Iterator and Parameters fields', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Parameters: { 'i.$': '$$.Map.Item.Index' },
          Iterator: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };

    const { outcome } = await env.run(definition, ['a', 'b']);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ i: 0 }, { i: 1 }] });
  });

  it('applies ResultSelector to the array of results', async () => {
    const env = testEngine();

    const { outcome } = await env.run(map({ ResultSelector: { 'count.$': 'States.ArrayLength($)', 'first.$': '$[0]' } }), [7, 8, 9]);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { count: 3, first: 7 } });
  });

  it.each<[string, number, number[]]>([
    ['MaxConcurrency 1 runs the iterations one after another', 1, [10, 20, 30, 40]],
    ['MaxConcurrency 2 runs two at a time', 2, [10, 10, 20, 20]],
    ['MaxConcurrency 0 runs them all at once', 0, [10, 10, 10, 10]],
  ])('%s', async (_behaviour, maxConcurrency, endSeconds) => {
    const env = testEngine();

    const { outcome, history } = await env.run(map({ MaxConcurrency: maxConcurrency }, waitTen), [1, 2, 3, 4]);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [1, 2, 3, 4] });
    expect(secondsAfterStart(history, 'MapIterationSucceeded')).toEqual(endSeconds);
    expect(env.now() - history[0].timestamp).toBe(endSeconds.at(-1)! * 1000);
  });

  it('reads MaxConcurrency from the input with MaxConcurrencyPath', async () => {
    const env = testEngine();

    const { history } = await env.run(map({ ItemsPath: '$.items', MaxConcurrencyPath: '$.limit' }, waitTen), { limit: 1, items: [1, 2] });

    expect(secondsAfterStart(history, 'MapIterationSucceeded')).toEqual([10, 20]);
  });

  it('fails with the error of a failed iteration, after MapIterationFailed and MapStateFailed', async () => {
    const env = testEngine({ tasks: processItem() });

    const { outcome, history } = await env.run(
      map({ MaxConcurrency: 1 }, { Work: { Type: 'Task', Resource: PROCESS, End: true } }),
      [{ n: 1 }, { n: 2, fail: true }, { n: 3 }],
    );

    expect(outcome).toEqual({ status: 'FAILED', error: 'ItemFailed', cause: 'item 2' });
    expect(eventsOf(history, 'MapIterationFailed').map(detailsOf)).toEqual([{ index: 1, name: 'M' }]);
    expect(eventTypes(history).slice(-2)).toEqual(['MapStateFailed', 'ExecutionFailed']);
    expect(eventsOf(history, 'MapIterationStarted').map((e) => detailsOf(e).index)).toEqual([0, 1]);
  });

  // Recorded on AWS (timeouts/test_timeouts, test_service_lambda_map_timeout): the failed iteration's
  // MapIterationFailed comes first, then its Task's TaskStateAborted, both after the task's failure event.
  it('records TaskStateAborted for the failed Task after MapIterationFailed', async () => {
    const env = testEngine({ tasks: processItem() });

    const { history } = await env.run(map({ MaxConcurrency: 1 }, { Work: { Type: 'Task', Resource: PROCESS, End: true } }), [{ n: 1, fail: true }]);

    expect(eventTypes(history).slice(-5)).toEqual(['LambdaFunctionFailed', 'MapIterationFailed', 'TaskStateAborted', 'MapStateFailed', 'ExecutionFailed']);
    const [failed] = eventsOf(history, 'LambdaFunctionFailed');
    expect(eventsOf(history, 'TaskStateAborted')[0].previousEventId).toBe(failed.id);
  });

  // Recorded on AWS (timeouts/test_service_lambda_map_timeout): after MapIterationFailed and the failed
  // Task's TaskStateAborted, each iteration it cuts records MapIterationAborted, then its Task's
  // TaskStateAborted, every one chained to the failure's event.
  it('records each iteration a failure cuts as MapIterationAborted, then its TaskStateAborted, after the failure', async () => {
    const slow = lambdaArn('slow');
    const tasks = fakeTasks({
      [PROCESS]: async (_p, ctx) => {
        await ctx.sleep(1);
        throw taskError('ItemFailed', 'first');
      },
      [slow]: async (_p, ctx) => {
        await ctx.sleep(60);
        return 'late';
      },
    });
    const env = testEngine({ tasks });
    const processor = {
      Route: { Type: 'Choice', Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Fails' }], Default: 'Slow' },
      Fails: { Type: 'Task', Resource: PROCESS, End: true },
      Slow: { Type: 'Task', Resource: slow, End: true },
    };

    const { outcome, history } = await env.run(map({}, processor), [{ fail: true }, { fail: false }, { fail: false }]);

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ItemFailed' });
    const [failed] = eventsOf(history, 'LambdaFunctionFailed');
    const tail = history.slice(history.indexOf(failed) + 1);
    expect(tail.map((e) => e.type)).toEqual([
      'MapIterationFailed', 'TaskStateAborted',
      'MapIterationAborted', 'TaskStateAborted',
      'MapIterationAborted', 'TaskStateAborted',
      'MapStateFailed', 'ExecutionFailed',
    ]);
    expect(tail.slice(0, 7).map((e) => e.previousEventId)).toEqual(Array(7).fill(failed.id));
    expect(eventsOf(history, 'MapIterationAborted').map((e) => detailsOf(e).index)).toEqual([1, 2]);
  });

  it('routes an iteration failure to a Catch on the Map state', async () => {
    const env = testEngine({ tasks: processItem() });
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: PROCESS, End: true } } },
          Catch: [{ ErrorEquals: ['ItemFailed'], ResultPath: '$.error', Next: 'Recover' }],
          ItemsPath: '$.items',
          Next: 'Done',
        },
        Recover: { Type: 'Pass', End: true },
        Done: { Type: 'Pass', End: true },
      },
    };

    const { outcome } = await env.run(definition, { items: [{ n: 5, fail: true }] });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { items: [{ n: 5, fail: true }], error: { Error: 'ItemFailed', Cause: 'item 5' } } });
  });

  it('fails with States.Runtime when the items are not an array', async () => {
    const env = testEngine();

    const { outcome } = await env.run(map({ ItemsPath: '$.items' }), { items: { not: 'an array' } });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  describe('in JSONata', () => {
    it('iterates over Items, builds inputs with ItemSelector from $states.context.Map.Item and outputs Output', async () => {
      const env = testEngine();
      const definition = {
        QueryLanguage: 'JSONata',
        ...map({
          Items: '{% $states.input.numbers %}',
          ItemSelector: { at: '{% $states.context.Map.Item.Index %}', square: '{% $states.context.Map.Item.Value * $states.context.Map.Item.Value %}' },
          Output: { squares: '{% $states.result.square %}' },
        }),
      };

      const { outcome } = await env.run(definition, { numbers: [2, 3] });

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { squares: [4, 9] } });
    });

    it('fails with States.QueryEvaluationError when Items does not evaluate to an array', async () => {
      const env = testEngine();

      const { outcome } = await env.run({ QueryLanguage: 'JSONata', ...map({ Items: '{% $states.input.n %}' }) }, { n: 1 });

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    });
  });
});

describe('Map state in Distributed mode', () => {
  const work = { Work: { Type: 'Task', Resource: PROCESS, End: true } };
  const items = (failing: number, total: number): JsonValue[] =>
    Array.from({ length: total }, (_, i): JsonValue => (i < failing ? { n: i, fail: true } : { n: i }));

  it('records a Map Run instead of iteration events', async () => {
    const env = testEngine({ tasks: processItem() });

    const { outcome, history } = await env.run(map({}, work, 'DISTRIBUTED'), items(0, 2));

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [0, 2] });
    expect(eventTypes(history)).toEqual([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
    ]);
  });

  it.each<[string, object, number, number]>([
    ['ToleratedFailureCount tolerates that many failed items', { ToleratedFailureCount: 2 }, 2, 4],
    ['ToleratedFailurePercentage tolerates that share of failed items', { ToleratedFailurePercentage: 50 }, 2, 4],
  ])('succeeds when %s', async (_behaviour, fields, failing, total) => {
    const env = testEngine({ tasks: processItem() });

    const { outcome, history } = await env.run(map(fields, work, 'DISTRIBUTED'), items(failing, total));

    expect(outcome.status).toBe('SUCCEEDED');
    expect(eventsOf(history, 'MapRunSucceeded')).toHaveLength(1);
  });

  it.each<[string, object, number, number]>([
    ['failed items exceed ToleratedFailureCount', { ToleratedFailureCount: 1 }, 2, 4],
    ['failed items exceed ToleratedFailurePercentage', { ToleratedFailurePercentage: 25 }, 2, 4],
    ['any item fails and no failure is tolerated', {}, 1, 4],
  ])('fails with States.ExceedToleratedFailureThreshold when %s', async (_behaviour, fields, failing, total) => {
    const env = testEngine({ tasks: processItem() });

    const { outcome, history } = await env.run(map({ MaxConcurrency: 1, ...fields }, work, 'DISTRIBUTED'), items(failing, total));

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    expect(eventTypes(history).slice(-3)).toEqual(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
  });

  it('groups items into batches of MaxItemsPerBatch, with BatchInput in every batch', async () => {
    const env = testEngine();
    const fields = { ItemsPath: '$.items', ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'job.$': '$.job' } } };

    const { outcome, history } = await env.run(map(fields, undefined, 'DISTRIBUTED'), { job: 'j-1', items: [1, 2, 3, 4, 5] });

    expect(outcome).toEqual({
      status: 'SUCCEEDED',
      output: [
        { BatchInput: { job: 'j-1' }, Items: [1, 2] },
        { BatchInput: { job: 'j-1' }, Items: [3, 4] },
        { BatchInput: { job: 'j-1' }, Items: [5] },
      ],
    });
    expect(detailsOf(eventsOf(history, 'MapStateStarted')[0])).toEqual({ length: 3 });
  });
});

describe('Map definitions CreateStateMachine refuses', () => {
  it.each<[string, object, string]>([
    ['a Map without ItemProcessor', { StartAt: 'M', States: { M: { Type: 'Map', End: true } } }, 'These fields are required: [ItemProcessor] at /States/M'],
    ['negative MaxConcurrency', map({ MaxConcurrency: -1 }), "The field 'MaxConcurrency' must be an integer between 0 and 99999999"],
  ])('refuses %s with InvalidDefinition', (_case, definition, diagnostic) => {
    const env = testEngine();

    const refusal = apiError(() => env.create(definition));

    expect(refusal).toEqual({ type: 'InvalidDefinition', message: expect.stringContaining(diagnostic) });
  });
});

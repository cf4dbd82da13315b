/**
 * Workflow variables: Assign stores values when a state exits; later states read them as `$name`
 * (JSONPath paths, intrinsic arguments, JSONata expressions). Every expression of one Assign sees
 * the values from before the state; StateExited events list what was assigned. Parallel branches
 * and Map iterations read the outer scope but keep their own assignments to themselves.
 */
import { describe, it, expect } from '@jest/globals';
import { detailsOf, eventsOf, fakeTasks, lambdaArn, taskError, testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

describe('Assign with JSONPath', () => {
  it('stores literal and path values that later states read as $name', async () => {
    // Prepare
    const env = testEngine();
    const definition = {
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { limit: 10, 'customer.$': '$.customer' }, Next: 'Use' },
        Use: { Type: 'Pass', Parameters: { 'limit.$': '$limit', 'name.$': '$customer.name', 'greeting.$': "States.Format('Hi {}', $customer.name)" }, End: true },
      },
    };

    // Act
    const { outcome } = await env.run(definition, { customer: { name: 'Ada' } });

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { limit: 10, name: 'Ada', greeting: 'Hi Ada' } });
  });

  it('lists the assigned values as JSON texts in the StateExited event', async () => {
    const env = testEngine();

    const { history } = await env.run({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 42, items: [1, 2, 3], s: 'text' }, End: true } } }, {});

    expect(detailsOf(eventsOf(history, 'PassStateExited')[0])).toMatchObject({
      assignedVariables: { x: '42', items: '[1,2,3]', s: '"text"' },
      assignedVariablesDetails: { truncated: false },
    });
  });

  it("reads $ in Assign as the state's result: a Pass state's Result", async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: { answer: 42 }, Assign: { 'theAnswer.$': '$.answer' }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'answer.$': '$theAnswer' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { answer: 42 } });
  });

  it("reads $ in Assign as a task's result after ResultSelector, before ResultPath", async () => {
    const env = testEngine({ tasks: fakeTasks({ [lambdaArn('lookup')]: () => ({ Item: { price: 9 } }) }) });
    const definition = {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: lambdaArn('lookup'), ResultSelector: { 'price.$': '$.Item.price' }, ResultPath: '$.lookup', Assign: { 'price.$': '$.price' }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'price.$': '$price' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { price: 9 } });
  });

  it('evaluates every expression of one Assign with the values from before the state', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { a: 'first', b: 'second' }, Next: 'Swap' },
        Swap: { Type: 'Pass', Assign: { 'a.$': '$b', 'b.$': '$a' }, Next: 'Show' },
        Show: { Type: 'Pass', Parameters: { 'a.$': '$a', 'b.$': '$b' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { a: 'second', b: 'first' } });
  });

  it("lets a state's own paths read the value a variable had before its Assign", async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'State0',
      States: {
        State0: { Type: 'Pass', Assign: { answer: 42 }, Next: 'State1' },
        State1: { Type: 'Pass', InputPath: '$answer', OutputPath: '$', Assign: { answer: 'changed' }, Next: 'State2' },
        State2: { Type: 'Pass', Parameters: { 'before.$': '$', 'after.$': '$answer' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { before: 42, after: 'changed' } });
  });

  it('stores a value in a Wait state, and in a catcher from the error output', async () => {
    const env = testEngine({ tasks: fakeTasks({ [lambdaArn('boom')]: () => { throw taskError('Boom', 'went off'); } }) });
    const definition = {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 1, Assign: { waited: true }, Next: 'T' },
        T: { Type: 'Task', Resource: lambdaArn('boom'), Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'why.$': '$.Cause' }, Next: 'Report' }], Next: 'Report' },
        Report: { Type: 'Pass', Parameters: { 'waited.$': '$waited', 'why.$': '$why' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { waited: true, why: 'went off' } });
  });
});

describe('Assign with JSONata', () => {
  it('stores values computed from $states.input and $states.result that later Output reads', async () => {
    const env = testEngine({ tasks: fakeTasks({ [lambdaArn('price')]: () => ({ amount: 20 }) }) });
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: lambdaArn('price'), Assign: { qty: '{% $states.input.qty %}', unit: '{% $states.result.amount %}' }, Next: 'Total' },
        Total: { Type: 'Pass', Output: { total: '{% $qty * $unit %}' }, End: true },
      },
    };

    const { outcome } = await env.run(definition, { qty: 3 });

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: { total: 60 } });
  });

  it('stores values in a catcher from $states.errorOutput', async () => {
    const env = testEngine({ tasks: fakeTasks({ [lambdaArn('boom')]: () => { throw taskError('Boom', 'went off'); } }) });
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: lambdaArn('boom'), Catch: [{ ErrorEquals: ['States.ALL'], Assign: { failure: '{% $states.errorOutput.Error %}' }, Next: 'Report' }], Next: 'Report' },
        Report: { Type: 'Pass', Output: '{% $failure %}', End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'Boom' });
  });

  it('fails with States.QueryEvaluationError when an expression reads a variable never assigned', async () => {
    const env = testEngine();

    const { outcome } = await env.run({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: '{% $doesNotExist %}', End: true } } }, {});

    expect(outcome).toEqual({
      status: 'FAILED',
      error: 'States.QueryEvaluationError',
      cause: "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).",
    });
  });
});

describe('Variable scopes', () => {
  it('lets every Parallel branch read the variables of the outer scope', async () => {
    const env = testEngine();
    const read = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Pass', Parameters: { 'x.$': '$x' }, End: true } } });
    const definition = {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { x: 42 }, Next: 'P' },
        P: { Type: 'Parallel', Branches: [read('A'), read('B')], End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ x: 42 }, { x: 42 }] });
  });

  it('lets Map iterations read outer variables, including for ItemsPath', async () => {
    const env = testEngine();
    const definition = {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { factor: 10, items: [1, 2, 3] }, Next: 'M' },
        M: {
          Type: 'Map',
          ItemsPath: '$items',
          ItemProcessor: { StartAt: 'Scale', States: { Scale: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, $factor)' }, End: true } } },
          End: true,
        },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [{ v: 11 }, { v: 12 }, { v: 13 }] });
  });

  it('keeps the variables of concurrent Map iterations apart', async () => {
    const env = testEngine();
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Keep',
            States: {
              Keep: { Type: 'Pass', Assign: { mine: '{% $states.input %}' }, Next: 'Pause' },
              Pause: { Type: 'Wait', Seconds: '{% 10 - $states.input %}', Next: 'Show' },
              Show: { Type: 'Pass', Output: '{% $mine %}', End: true },
            },
          },
          End: true,
        },
      },
    };

    const { outcome } = await env.run(definition, [1, 2, 3]);

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: [1, 2, 3] });
  });

  it('does not let a variable assigned inside a Parallel branch leak out of it', async () => {
    const env = testEngine();
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'In', States: { In: { Type: 'Pass', Assign: { inner: 1 }, End: true } } }], Next: 'After' },
        After: { Type: 'Pass', Output: '{% $inner %}', End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });

  it('makes variables assigned by the Parallel state itself visible after it', async () => {
    const env = testEngine();
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Output: 'a', End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', Output: 'b', End: true } } }],
          Assign: { joined: '{% $join($states.result) %}' },
          Next: 'After',
        },
        After: { Type: 'Pass', Output: '{% $joined %}', End: true },
      },
    };

    const { outcome } = await env.run(definition, {});

    expect(outcome).toEqual({ status: 'SUCCEEDED', output: 'ab' });
  });
});

import { describe, expect, it } from '@jest/globals';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import type { Catcher, ChoiceRule, State } from '../../../engine/definition/types.ts';
import { QueryEvaluationError, ResultPathMatchFailure, RuntimeError } from '../../../engine/errors.ts';
import { processCatch, processOutput, type Exit } from '../../../engine/dataflow/index.ts';
import { PREFIX, plainContext } from './fixtures.ts';

const TASK = 'arn:aws:lambda:us-east-1:123456789012:function:f';
const state = (fields: Record<string, JsonValue>): State => ({ End: true, ...fields }) as unknown as State;
const task = (fields: Record<string, JsonValue> = {}): State => state({ Type: 'Task', Resource: TASK, ...fields });
const catcher = (fields: Record<string, JsonValue> = {}): Catcher => ({ ErrorEquals: ['States.ALL'], Next: 'Handle', ...fields }) as unknown as Catcher;
const ERROR_OUTPUT: JsonObject = { Error: 'Boom', Cause: 'it broke' };

describe('processOutput.JSONPath', () => {
  it.each<[string, State, JsonValue, JsonValue, Exit]>([
    ['makes the result the output by default', task(), { in: 1 }, { r: 2 }, { output: { r: 2 }, assigned: null }],
    ['places the result with ResultPath', task({ ResultPath: '$.r' }), { in: 1 }, 2, { output: { in: 1, r: 2 }, assigned: null }],
    ['creates the objects a ResultPath runs through', task({ ResultPath: '$.a.b' }), { in: 1 }, 2, { output: { in: 1, a: { b: 2 } }, assigned: null }],
    ['keeps the raw input with a null ResultPath', task({ ResultPath: null }), { in: 1 }, 2, { output: { in: 1 }, assigned: null }],
    ['reshapes the result with ResultSelector before ResultPath', task({ ResultSelector: { 'v.$': '$.x' }, ResultPath: '$.r' }), { in: 1 }, { x: 5 }, { output: { in: 1, r: { v: 5 } }, assigned: null }],
    ['selects the output with OutputPath after ResultPath', task({ ResultPath: '$.r', OutputPath: '$.r' }), { in: 1 }, 2, { output: 2, assigned: null }],
    ['makes {} of a null OutputPath', task({ OutputPath: null }), {}, 2, { output: {}, assigned: null }],
    ['evaluates Assign over the selected result, not the input', task({ ResultSelector: { 'v.$': '$.x' }, Assign: { 'got.$': '$.v', 'in.$': '$$.Execution.Name' } }), { v: 'input' }, { x: 'result' }, { output: { v: 'result' }, assigned: { got: 'result', in: 'run-1' } }],
    ["uses a Pass state's Result as the result", state({ Type: 'Pass', ResultPath: '$.p' }), { in: 1 }, 'R', { output: { in: 1, p: 'R' }, assigned: null }],
    ["evaluates a Pass state's Assign over its result, not its raw input", state({ Type: 'Pass', ResultPath: '$.p', Assign: { 'r.$': '$' } }), { in: 1 }, { v: 'R' }, { output: { in: 1, p: { v: 'R' } }, assigned: { r: { v: 'R' } } }],
    ["evaluates a Wait's Assign over its effective input", state({ Type: 'Wait', Seconds: 1, Assign: { 'w.$': '$.in' } }), { in: 1 }, { in: 1 }, { output: { in: 1 }, assigned: { w: 1 } }],
    ['never assigns for a Succeed state', state({ Type: 'Succeed', Assign: { x: 1 } }), { in: 1 }, { in: 1 }, { output: { in: 1 }, assigned: null }],
  ])('%s', (_, s, input, result, expected) => {
    // Act
    const out = processOutput.JSONPath(s, input, result, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it.each<[string, ChoiceRule | undefined, JsonValue]>([
    ["takes the matched rule's Assign over the state's", { Next: 'A', Assign: { from: 'rule' } } as ChoiceRule, { from: 'rule' }],
    ["falls back to the state's Assign for a rule without one", { Next: 'A' } as ChoiceRule, { from: 'state' }],
    ["takes the state's Assign on the Default transition", undefined, { from: 'state' }],
  ])('for a Choice %s', (_, rule, assigned) => {
    // Prepare
    const choice = state({ Type: 'Choice', Choices: [], Default: 'D', Assign: { from: 'state' } });
    // Act
    const out = processOutput.JSONPath(choice, { in: 1 }, { in: 1 }, plainContext(), rule);
    // Assess
    expect(out).toEqual({ output: { in: 1 }, assigned });
  });

  it.each<[string, State, JsonValue, JsonValue, Function, string, string | undefined]>([
    ['a ResultPath into a value that is not an object', task({ ResultPath: '$.a.b' }), { a: 1 }, 2, ResultPathMatchFailure, 'Unable to apply ReferencePath $.a.b to input {"a":1}', undefined],
    ['a ResultPath into an array index past its end', task({ ResultPath: '$.a[3]' }), { a: [] }, 2, ResultPathMatchFailure, 'Unable to apply ReferencePath $.a[3] to input {"a":[]}', undefined],
    ['an OutputPath that matches nothing', task({ OutputPath: '$.nope' }), {}, { r: 1 }, RuntimeError, "Invalid path '$.nope' : No results for path: $['nope']", 'OutputPath'],
    ['a ResultSelector path that matches nothing', task({ ResultSelector: { 'v.$': '$.nope' } }), {}, { r: 1 }, RuntimeError, `The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{"r":1}'`, undefined],
    ['an Assign path that matches nothing', task({ Assign: { 'v.$': '$.nope' } }), {}, { r: 1 }, RuntimeError, `The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{"r":1}'`, undefined],
  ])('fails for %s', (_, s, input, result, type, cause, location) => {
    // Act
    const out = processOutput.JSONPath(s, input, result, plainContext());
    // Assess
    expect(out).toBeInstanceOf(type);
    expect(out).toMatchObject({ causeText: cause, location });
  });

  it('fails on Assign before it places the result (Assign is evaluated first)', () => {
    // Act
    const out = processOutput.JSONPath(task({ Assign: { 'v.$': '$.nope' }, ResultPath: '$.a.b' }), { a: 1 }, {}, plainContext());
    // Assess
    expect(out).toBeInstanceOf(RuntimeError);
  });
});

describe('processOutput.JSONata', () => {
  it.each<[string, State, JsonValue | undefined, Exit]>([
    ["makes a task's result the default output", task(), { r: 2 }, { output: { r: 2 }, assigned: null }],
    ['makes the input the default output of a state without a result', state({ Type: 'Pass' }), undefined, { output: { in: 1 }, assigned: null }],
    ['shapes Output from $states.input and $states.result', task({ Output: { i: '{% $states.input.in %}', r: '{% $states.result.r %}' } }), { r: 2 }, { output: { i: 1, r: 2 }, assigned: null }],
    ['evaluates Assign with $states.input and $states.result', task({ Assign: { i: '{% $states.input.in %}', r: '{% $states.result.r %}' } }), { r: 2 }, { output: { r: 2 }, assigned: { i: 1, r: 2 } }],
    ['reads variables and the context in Output', state({ Type: 'Wait', Seconds: 1, Output: '{% [$limit, $states.context.State.Name] %}' }), undefined, { output: [3, 'S'], assigned: null }],
    ['draws ids for Assign before Output', task({ Assign: { a: '{% $uuid() %}' }, Output: '{% $uuid() %}' }), 0, { output: 'uuid-2', assigned: { a: 'uuid-1' } }],
    ['keeps a null result as the output', task(), null, { output: null, assigned: null }],
    ["reads the time for $millis() from the context's clock", task({ Output: '{% $millis() %}' }), 0, { output: Date.UTC(2026, 0, 1), assigned: null }],
    ['never assigns for a Succeed state', state({ Type: 'Succeed', Assign: { x: 1 } }), undefined, { output: { in: 1 }, assigned: null }],
  ])('%s', async (_, s, result, expected) => {
    // Act
    const out = await processOutput.JSONata(s, { in: 1 }, result, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it.each<[string, JsonObject | undefined, Exit]>([
    ["takes the matched rule's Output and Assign", { Next: 'A', Output: 'rule', Assign: { v: 'rule' } }, { output: 'rule', assigned: { v: 'rule' } }],
    ["falls back to the state's for a rule without them", { Next: 'A' }, { output: 'state', assigned: { v: 'state' } }],
    ["takes the state's on the Default transition", undefined, { output: 'state', assigned: { v: 'state' } }],
  ])('for a Choice %s', async (_, rule, expected) => {
    // Prepare
    const choice = state({ Type: 'Choice', Choices: [], Default: 'D', Output: 'state', Assign: { v: 'state' } });
    // Act
    const out = await processOutput.JSONata(choice, { in: 1 }, undefined, plainContext(), rule as ChoiceRule | undefined);
    // Assess
    expect(out).toEqual(expected);
  });

  it.each<[string, State, JsonValue | undefined, string, string]>([
    ['an Output that returns nothing', task({ Output: '{% $states.input.nope %}' }), 1, 'Output', "The JSONata expression '$states.input.nope' specified for the field 'Output' returned nothing (undefined)."],
    ['$states.result in the Output of a state without a result', state({ Type: 'Pass', Output: '{% $states.result %}' }), undefined, 'Output', "The JSONata expression '$states.result' specified for the field 'Output' returned nothing (undefined)."],
    ['$states.errorOutput outside a catcher', task({ Assign: { e: '{% $states.errorOutput %}' } }), 1, 'Assign/e', "The JSONata expression '$states.errorOutput' specified for the field 'Assign/e' returned nothing (undefined)."],
    ['an Output that returns a function', task({ Output: '{% $sum %}' }), 1, 'Output', "The JSONata expression '$sum' specified for the field 'Output' returned an unsupported result type."],
  ])('fails States.QueryEvaluationError for %s', async (_, s, result, location, detail) => {
    // Act
    const out = await processOutput.JSONata(s, { in: 1 }, result, plainContext());
    // Assess
    expect(out).toBeInstanceOf(QueryEvaluationError);
    expect(out).toMatchObject({ error: 'States.QueryEvaluationError', causeText: `${PREFIX} ${detail}`, location });
  });
});

describe('processCatch', () => {
  it.each<[string, Catcher, Exit]>([
    ['makes the error output the output by default', catcher(), { output: ERROR_OUTPUT, assigned: null }],
    ['places the error output with ResultPath', catcher({ ResultPath: '$.err' }), { output: { in: 1, err: ERROR_OUTPUT }, assigned: null }],
    ['keeps the raw input with a null ResultPath', catcher({ ResultPath: null }), { output: { in: 1 }, assigned: null }],
    ['evaluates Assign over the error output', catcher({ Assign: { 'why.$': '$.Cause' } }), { output: ERROR_OUTPUT, assigned: { why: 'it broke' } }],
  ])('JSONPath %s', (_, c, expected) => {
    // Act
    const out = processCatch.JSONPath(c, { in: 1 }, ERROR_OUTPUT, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it('JSONPath fails a ResultPath into a value that is not an object', () => {
    // Act
    const out = processCatch.JSONPath(catcher({ ResultPath: '$.in.x' }), { in: 1 }, ERROR_OUTPUT, plainContext());
    // Assess
    expect(out).toMatchObject({ error: 'States.ResultPathMatchFailure', causeText: 'Unable to apply ReferencePath $.in.x to input {"in":1}' });
  });

  it.each<[string, Catcher, Exit]>([
    ['makes the error output the output by default', catcher(), { output: ERROR_OUTPUT, assigned: null }],
    ['shapes Output from $states.errorOutput and $states.input', catcher({ Output: { e: '{% $states.errorOutput.Error %}', i: '{% $states.input.in %}' } }), { output: { e: 'Boom', i: 1 }, assigned: null }],
    ['evaluates Assign with $states.errorOutput', catcher({ Assign: { c: '{% $states.errorOutput.Cause %}' } }), { output: ERROR_OUTPUT, assigned: { c: 'it broke' } }],
  ])('JSONata %s', async (_, c, expected) => {
    // Act
    const out = await processCatch.JSONata(c, { in: 1 }, ERROR_OUTPUT, plainContext());
    // Assess
    expect(out).toEqual(expected);
  });

  it("JSONata fails $states.result in a catcher's Output: a catcher sees no result", async () => {
    // Act
    const out = await processCatch.JSONata(catcher({ Output: '{% $states.result %}' }), { in: 1 }, ERROR_OUTPUT, plainContext());
    // Assess
    expect(out).toMatchObject({
      error: 'States.QueryEvaluationError',
      location: 'Output',
      causeText: `${PREFIX} The JSONata expression '$states.result' specified for the field 'Output' returned nothing (undefined).`,
    });
  });
});

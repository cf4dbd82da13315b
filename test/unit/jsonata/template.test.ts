import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import {
  compileJsonata,
  containsJsonataTemplate,
  evaluateJsonata,
  evaluateTemplate,
  isJsonataTemplate,
  jsonataExpressionOf,
} from '../../../engine/query/jsonata/index.ts';
import { bindings, fakeEnv } from './fixtures.ts';

describe('isJsonataTemplate', () => {
  it.each<[unknown, boolean]>([
    ['{% $states.input %}', true],
    ['{%$x%}', true],
    ['{%%}', true],
    ['{% states.input %}', true],
    // outputdecl BASE_LITERALS: surrounding spaces make it a plain string
    [' {% states.input %} ', false],
    [' {% $x %}', false],
    ['{% $x %} ', false],
    ['{%}', false],
    ['$states.input', false],
    ['States.Format(\'Format:{}\', 101)', false],
    ['{% $x', false],
    [42, false],
    [null, false],
    [{ a: '{% $x %}' }, false],
  ])('treats %j as a template: %s', (value, expected) => {
    expect(isJsonataTemplate(value)).toBe(expected);
  });

  it.each([
    ['{% $doesNotExist %}', '$doesNotExist'],
    ["{% {'foo': 'bar'} %}", "{'foo': 'bar'}"],
    ['{%1%}', '1'],
    ['{%\n  $a\n%}', '$a'],
  ])('quotes the trimmed expression of %j as %j', (template, expression) => {
    expect(jsonataExpressionOf(template)).toBe(expression);
  });
});

describe('evaluateTemplate', () => {
  const input = { input_value: 'string literal', input_values: [1, 2, 3] };

  it.each<[string, JsonValue, JsonValue]>([
    ['null', null, null],
    ['a number', 0.1, 0.1],
    ['a boolean', true, true],
    ['a plain string', 'string literal', 'string literal'],
    ['an empty list', [], []],
    ['an empty object', {}, {}],
    ['a JSONPath-looking string', '$.no.such.path', '$.no.such.path'],
    ['a variable-looking string', '$nosuchvar', '$nosuchvar'],
    ['a `.$` key', { 'constant_jp_input.$': '$' }, { 'constant_jp_input.$': '$' }],
    ['an intrinsic-looking string', "States.Format('Format:{}', 101)", "States.Format('Format:{}', 101)"],
    ['a padded template', ' {% states.input %} ', ' {% states.input %} '],
  ])('passes %s through unchanged', async (_, value, expected) => {
    await expect(evaluateTemplate(value, bindings(input), fakeEnv(), 'Output')).resolves.toEqual(expected);
  });

  it.each<[string, JsonValue, JsonValue]>([
    // outputdecl LIST_RICH
    [
      'templates inside a list and an object in it',
      [null, 0, 0.1, true, 'string', [], '$nosuchvar', '$.no.such.path', '{% $states.input %}', { key: '{% true %}' }],
      [null, 0, 0.1, true, 'string', [], '$nosuchvar', '$.no.such.path', input, { key: true }],
    ],
    // outputdecl BASE_EXPR (context reduced to what the fake carries)
    [
      'templates reading input, context, a variable and an expression',
      {
        ja_states_input: '{% $states.input %}',
        ja_states_context: '{% $states.context.State.Name %}',
        ja_var_access: '{% $var_input_value %}',
        ja_expr: '{% $sum($states.input.input_values) + $var_constant_1 %}',
      },
      { ja_states_input: input, ja_states_context: 'State0', ja_var_access: 'string literal', ja_expr: 7 },
    ],
    // outputdecl BASE_DIRECT_EXPR
    ['a whole-field expression', '{% $sum($states.input.input_values) + $var_constant_1 %}', 7],
    // evaluate_jsonata ITEMS and ITEMS_DOUBLE_QUOTES
    ['an item among literals', [1, '{% $number("2") %}', 3], [1, 2, 3]],
    ['an item with single quotes', [1, "{% $number('2') %}", 3], [1, 2, 3]],
    // evaluate_jsonata MAX_CONCURRENCY: an assignment yields its value
    ['an assignment', '{% $variable := 1 %}', 1],
    // scenarios MAP_STATE_ITEM_SELECTOR_JSONATA
    ['a nested object', { a: { b: ['{% $var_constant_1 %}'] } }, { a: { b: [1] } }],
  ])('evaluates %s', async (_, value, expected) => {
    const vars = { var_input_value: 'string literal', var_constant_1: 1 };
    await expect(evaluateTemplate(value, bindings(input, vars), fakeEnv(), 'Output')).resolves.toEqual(expected);
  });

  it.each<[string, boolean]>([
    // evaluate_jsonata regular_expressions BASE / BASE_FALSE / SINGLE_QUOTE / SINGLE_QUOTE_FALSE
    ['{% $contains("hello$world", /^hello\\$/) %}', true],
    ['{% $contains("hello$world", /^hello\\ /) %}', false],
    ["{% $contains('hello$world', /^hello\\$/) %}", true],
    ["{% $contains('hello$world', /^hello\\ /) %}", false],
  ])('evaluates the regular expression in %s to %s', async (template, expected) => {
    await expect(evaluateTemplate(template, bindings(), fakeEnv(), 'Output')).resolves.toBe(expected);
  });

  it('merges two objects from the input (evaluate_jsonata merge_with_dynamic_args)', async () => {
    const value = '{% $merge([$states.input.part1, $states.input.part2]) %}';
    const result = await evaluateTemplate(value, bindings({ part1: { hello: 'world' }, part2: { foo: 'bar' } }), fakeEnv(), 'Output');
    expect(result).toEqual({ hello: 'world', foo: 'bar' });
  });

  it('sees $states.result and $states.errorOutput only when given', async () => {
    const withResult = bindings({}, {}, { result: { Payload: 1 }, errorOutput: { Error: 'E', Cause: 'c' } });
    await expect(evaluateTemplate({ r: '{% $states.result.Payload %}', e: '{% $states.errorOutput.Error %}' }, withResult, fakeEnv(), 'Output'))
      .resolves.toEqual({ r: 1, e: 'E' });
    await expect(evaluateJsonata('$states.result', bindings(), fakeEnv())).resolves.toBeUndefined();
  });

  it('keeps an empty array read from the input an empty array', async () => {
    await expect(evaluateTemplate('{% $states.input.items %}', bindings({ items: [] }), fakeEnv(), 'Items', 'array')).resolves.toEqual([]);
  });

  it('returns plain JSON that does not share structure with the input', async () => {
    const data = { nested: { a: [1] } };
    const result = (await evaluateTemplate('{% $states.input %}', bindings(data), fakeEnv(), 'Output')) as typeof data;
    result.nested.a.push(2);
    expect(data.nested.a).toEqual([1]);
    expect(Object.getPrototypeOf(await evaluateTemplate("{% {'a': 1} %}", bindings(), fakeEnv(), 'Output'))).toBe(Object.prototype);
  });

  it('turns -0 into 0 ($parse of "-0" recorded as 0)', async () => {
    await expect(evaluateTemplate("{% $parse('-0') %}", bindings(), fakeEnv(), 'Output')).resolves.toBe(0);
    expect(Object.is(await evaluateTemplate("{% $parse('-0') %}", bindings(), fakeEnv(), 'Output'), 0)).toBe(true);
  });

  it('evaluates keys and items in definition order', async () => {
    const env = fakeEnv();
    const result = await evaluateTemplate({ a: '{% $uuid() %}', b: ['{% $uuid() %}', '{% $uuid() %}'] }, bindings(), env, 'Output');
    expect(result).toEqual({ a: 'uuid-1', b: ['uuid-2', 'uuid-3'] });
  });

  it('keeps concurrent evaluations of one expression apart', async () => {
    const template = '{% $states.input.n * $k %}';
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => evaluateTemplate(template, bindings({ n }, { k: n * 10 }), fakeEnv(), 'Output')),
    );
    expect(results).toEqual([10, 40, 90, 160]);
  });

  it('lets a variable shadow nothing of $states', async () => {
    await expect(evaluateJsonata('$states.input.x', { states: { input: { x: 1 }, context: {} }, variables: { states: 'nope' } }, fakeEnv()))
      .resolves.toBe(1);
  });

  it('compiles an expression once', () => {
    expect(compileJsonata('$a + $b')).toBe(compileJsonata('$a + $b'));
  });

  it.each<[JsonValue, boolean]>([
    ['{% 1 %}', true],
    [{ a: [1, { b: '{% 1 %}' }] }, true],
    [{ a: [1, { b: ' {% 1 %}' }] }, false],
    [null, false],
  ])('finds a template in %j: %s', (value, expected) => {
    expect(containsJsonataTemplate(value)).toBe(expected);
  });
});

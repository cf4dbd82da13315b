/**
 * One table per intrinsic. "recorded" rows are copied from the AWS executions in
 * ../shared/conformance/corpus/cases/intrinsic_functions__* (case name first) and from the Assign
 * recordings in assign__test_assign_reference_variables (BASE_ASSIGN_FROM_INTRINSIC_FUNCTION,
 * BASE_REFERENCE_IN_INTRINSIC_FUNCTION). The corpus holds no failed intrinsic execution: the
 * error rows follow AWS's wording as reported outside the corpus (States.Runtime,
 * "The function '<expression>' had the following error: Invalid arguments in States.X").
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { intrinsics, IntrinsicName } from '../../../engine/query/intrinsics/index.ts';
import { failure, fixedEnv, invalidArgumentsCause, run } from './harness.ts';

type Recorded = [caseName: string, functionInput: JsonValue, expected: JsonValue];

const ONE = '$.FunctionInput';
const TWO = '$.FunctionInput.fst, $.FunctionInput.snd';

function expectInvalid(expression: string, name: string, input: JsonValue = {}): void {
  expect(failure(expression, { input })).toEqual({ error: 'States.Runtime', cause: invalidArgumentsCause(expression, name) });
}

describe('the registry', () => {
  it('holds a spec under the name of every intrinsic', () => {
    for (const name of Object.values(IntrinsicName)) expect(intrinsics[name].name).toBe(name);
  });
});

describe('States.Format', () => {
  it.each<Recorded>([
    ['TestGeneric_test_format_2_0', { fst: '', snd: '' }, 'Formatting arguments fst= and snd=.'],
    ['TestGeneric_test_format_2_1', { fst: ' ', snd: ' ' }, 'Formatting arguments fst=  and snd= .'],
    ['TestGeneric_test_format_2_2', { fst: 'HelloWorld', snd: 'HelloWorld' }, 'Formatting arguments fst=HelloWorld and snd=HelloWorld.'],
    ['TestGeneric_test_format_2_3', { fst: null, snd: null }, 'Formatting arguments fst=null and snd=null.'],
    ['TestGeneric_test_format_2_4', { fst: 1, snd: 1 }, 'Formatting arguments fst=1 and snd=1.'],
    ['TestGeneric_test_format_2_5', { fst: 1.1, snd: 1.1 }, 'Formatting arguments fst=1.1 and snd=1.1.'],
    ['TestGeneric_test_format_2_6', { fst: '{"Arg1": 1, "Arg2": []}', snd: '{"Arg1": 1, "Arg2": []}' }, 'Formatting arguments fst={"Arg1": 1, "Arg2": []} and snd={"Arg1": 1, "Arg2": []}.'],
    ['TestGeneric_test_format_2_7', { fst: { Arg1: 1, Arg2: [] }, snd: { Arg1: 1, Arg2: [] } }, 'Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.'],
  ])('recorded %s: fills the placeholders of %j', (_case, functionInput, expected) => {
    expect(run(`States.Format('Formatting arguments fst={} and snd={}.', ${TWO})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it('recorded TestGeneric_test_context_json_path: prints a context object the way Java prints a Map', () => {
    // Prepare
    const context = { Execution: { Name: '<ExecArnPart_0idx>' }, StateMachine: { Id: 'arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>', Name: '<ArnPart_0idx>' } };

    // Act
    const out = run("States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)", { context });

    // Assess
    expect(out).toBe('Formatting arguments fst=<ExecArnPart_0idx> and snd={Id=arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>, Name=<ArnPart_0idx>}.');
  });

  it('recorded BASE_REFERENCE_IN_INTRINSIC_FUNCTION: reads variables', () => {
    expect(run("States.Format('Hello {}, welcome to {}!', $name, $place)", { variables: { name: 'John', place: 'LocalStack' } })).toBe('Hello John, welcome to LocalStack!');
  });

  it.each([
    ["States.Format('no placeholders')", {}, 'no placeholders'],
    ["States.Format('\\{\\} is literal, {} is not', $.a)", { a: 'x' }, '{} is literal, x is not'],
    ["States.Format('it\\'s {}', $.a)", { a: [1, 'two', null, { k: true }] }, "it's [1, two, null, {k=true}]"],
    ['States.Format($.template, $.a)', { template: 'n={}', a: 1.5e-5 }, 'n=1.5E-5'],
  ])('formats %j', (expression, input, expected) => {
    expect(run(expression, { input })).toBe(expected);
  });

  it.each([
    ["States.Format('{} {}', $.a)", { a: 'x' }],
    ["States.Format('{}', $.a, $.a)", { a: 'x' }],
    ["States.Format('Hello {', $.a)", { a: 'x' }],
    ["States.Format('}')", {}],
    ["States.Format('Hello {{}}', $.a)", { a: 'x' }],
    ["States.Format('\\{}', $.a)", { a: 'x' }],
    ['States.Format($.template, $.a)', { template: 123, a: 'x' }],
    ['States.Format()', {}],
  ])('fails on %j', (expression, input) => {
    expectInvalid(expression, 'States.Format', input);
  });
});

describe('States.StringToJson', () => {
  it.each<Recorded>([
    ['TestJsonManipulation_test_string_to_json_0', '', null],
    ['TestJsonManipulation_test_string_to_json_1', ' ', null],
    ['TestJsonManipulation_test_string_to_json_2', 'null', null],
    ['TestJsonManipulation_test_string_to_json_3', '-0', 0],
    ['TestJsonManipulation_test_string_to_json_4', '1', 1],
    ['TestJsonManipulation_test_string_to_json_5', '1.1', 1.1],
    ['TestJsonManipulation_test_string_to_json_6', 'true', true],
    ['TestJsonManipulation_test_string_to_json_7', '"HelloWorld"', 'HelloWorld'],
    ['TestJsonManipulation_test_string_to_json_8', '[1, 2, "HelloWorld"]', [1, 2, 'HelloWorld']],
    ['TestJsonManipulation_test_string_to_json_9', '{"Arg1": 1, "Arg2": []}', { Arg1: 1, Arg2: [] }],
    ['BASE_REFERENCE_IN_INTRINSIC_FUNCTION', '{"key":"value"}', { key: 'value' }],
  ])('recorded %s: parses %j', (_case, functionInput, expected) => {
    expect(run(`States.StringToJson(${ONE})`, { input: { FunctionInput: functionInput } })).toEqual(expected);
  });

  it('gives 0, not -0, for "-0"', () => {
    expect(Object.is(run(`States.StringToJson(${ONE})`, { input: { FunctionInput: '-0' } }), 0)).toBe(true);
  });

  it.each([
    ['States.StringToJson($.s)', { s: '{not json' }],
    ['States.StringToJson($.s)', { s: { already: 'an object' } }],
    ['States.StringToJson(1)', {}],
    ["States.StringToJson('1', '2')", {}],
  ])('fails on %j with %j', (expression, input) => {
    expectInvalid(expression, 'States.StringToJson', input);
  });
});

describe('States.JsonToString', () => {
  it.each<Recorded>([
    ['TestJsonManipulation_test_json_to_string_0', null, 'null'],
    ['TestJsonManipulation_test_json_to_string_1', 0, '0'],
    ['TestJsonManipulation_test_json_to_string_2', 1, '1'],
    ['TestJsonManipulation_test_json_to_string_3', 1.1, '1.1'],
    ['TestJsonManipulation_test_json_to_string_4', true, 'true'],
    ['TestJsonManipulation_test_json_to_string_5', 'HelloWorld', '"HelloWorld"'],
    ['TestJsonManipulation_test_json_to_string_6', [1, 2, 'HelloWorld'], '[1,2,"HelloWorld"]'],
    ['TestJsonManipulation_test_json_to_string_7', { Arg1: 1, Arg2: [] }, '{"Arg1":1,"Arg2":[]}'],
    ['BASE_REFERENCE_IN_INTRINSIC_FUNCTION', { test: 'object' }, '{"test":"object"}'],
  ])('recorded %s: writes %j as compact JSON', (_case, functionInput, expected) => {
    expect(run(`States.JsonToString(${ONE})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it.each(['States.JsonToString()', 'States.JsonToString($, $)'])('fails on %j', (expression) => {
    expectInvalid(expression, 'States.JsonToString');
  });
});

describe('States.Array', () => {
  it('recorded TestArray_test_array_0: makes an empty array from no arguments', () => {
    expect(run('States.Array()', { input: { FunctionInput: 'HelloWorld' } })).toEqual([]);
  });

  it.each<Recorded>([
    ['TestArray_test_array_2_0', { fst: '', snd: '' }, ['', '']],
    ['TestArray_test_array_2_1', { fst: ' ', snd: ' ' }, [' ', ' ']],
    ['TestArray_test_array_2_2', { fst: 'HelloWorld', snd: 'HelloWorld' }, ['HelloWorld', 'HelloWorld']],
    ['TestArray_test_array_2_3', { fst: null, snd: null }, [null, null]],
    ['TestArray_test_array_2_4', { fst: 1, snd: 1 }, [1, 1]],
    ['TestArray_test_array_2_5', { fst: 1.1, snd: 1.1 }, [1.1, 1.1]],
    ['TestArray_test_array_2_6', { fst: '{"Arg1": 1, "Arg2": []}', snd: '{"Arg1": 1, "Arg2": []}' }, ['{"Arg1": 1, "Arg2": []}', '{"Arg1": 1, "Arg2": []}']],
    ['TestArray_test_array_2_7', { fst: { Arg1: 1, Arg2: [] }, snd: { Arg1: 1, Arg2: [] } }, [{ Arg1: 1, Arg2: [] }, { Arg1: 1, Arg2: [] }]],
  ])('recorded %s: collects %j', (_case, functionInput, expected) => {
    expect(run(`States.Array(${TWO})`, { input: { FunctionInput: functionInput } })).toEqual(expected);
  });

  it('recorded BASE_ASSIGN_FROM_INTRINSIC_FUNCTION: collects literals', () => {
    expect(run("States.Array('a', 'b', 'c')")).toEqual(['a', 'b', 'c']);
  });
});

describe('States.ArrayPartition', () => {
  it('recorded BASE_ASSIGN_FROM_INTRINSIC_FUNCTION: splits into chunks of two', () => {
    expect(run('States.ArrayPartition($.inputArray, 2)', { input: { inputArray: [1, 2, 3, 4, 5, 6] } })).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it.each([
    [[0, 1, 2, 3], 3, [[0, 1, 2], [3]]],
    [[0, 1, 2], 5, [[0, 1, 2]]],
    [[], 2, []],
    [[0, 1, 2, 3], 2.9, [[0, 1], [2, 3]]],
  ])('partitions %j by %j', (items, size, expected) => {
    expect(run('States.ArrayPartition($.items, $.size)', { input: { items, size } })).toEqual(expected);
  });

  it.each([
    ['States.ArrayPartition($.items, 0)', { items: [1] }],
    ['States.ArrayPartition($.items, 0.49)', { items: [1] }],
    ['States.ArrayPartition($.items, -1)', { items: [1] }],
    ["States.ArrayPartition('abc', 1)", {}],
    ["States.ArrayPartition($.items, '1')", { items: [1] }],
    ['States.ArrayPartition($.items)', { items: [1] }],
  ])('fails on %j with %j', (expression, input) => {
    expectInvalid(expression, 'States.ArrayPartition', input);
  });
});

describe('States.ArrayContains', () => {
  it.each<Recorded>([
    ['TestArray_test_array_contains_0', { fst: [], snd: null }, false],
    ['TestArray_test_array_contains_1', { fst: [], snd: [] }, false],
    ['TestArray_test_array_contains_2', { fst: [], snd: 1 }, false],
    ['TestArray_test_array_contains_3', { fst: [[1, 2, 3], 2], snd: null }, false],
    ['TestArray_test_array_contains_4', { fst: [[1, 2, 3], 2], snd: [1, 2, 3] }, true],
    ['TestArray_test_array_contains_5', { fst: [{ '1': 2, '2': [] }], snd: [] }, false],
    ['TestArray_test_array_contains_6', { fst: [{ '1': 2, '2': [] }], snd: { '1': 2, '2': [] } }, true],
    ['TestArray_test_array_contains_7', { fst: [true, false], snd: true }, true],
    ['TestArray_test_array_contains_8', { fst: [true, false], snd: false }, true],
  ])('recorded %s: searches %j', (_case, functionInput, expected) => {
    expect(run(`States.ArrayContains(${TWO})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it('recorded BASE_ASSIGN_FROM_INTRINSIC_FUNCTION: finds a literal', () => {
    expect(run('States.ArrayContains($.inputArray, 5)', { input: { inputArray: [1, 2, 3, 4, 5, 6] } })).toBe(true);
  });

  it('compares objects regardless of key order', () => {
    expect(run('States.ArrayContains($.a, $.b)', { input: { a: [{ x: 1, y: 2 }], b: { y: 2, x: 1 } } })).toBe(true);
  });

  it.each([
    ["States.ArrayContains('abc', 'a')", {}],
    ['States.ArrayContains($.a)', { a: [] }],
  ])('fails on %j', (expression, input) => {
    expectInvalid(expression, 'States.ArrayContains', input);
  });
});

describe('States.ArrayRange', () => {
  it.each([
    ['TestArray_test_array_range_0', [0, 9, 3], [0, 3, 6, 9]],
    ['TestArray_test_array_range_1', [0, 10, 3], [0, 3, 6, 9]],
    ['TestArray_test_array_range_2', [1, 9, 9], [1]],
    ['TestArray_test_array_range_3', [1, 9, 2], [1, 3, 5, 7, 9]],
    ['BASE_ASSIGN_FROM_INTRINSIC_FUNCTION', [1, 10, 2], [1, 3, 5, 7, 9]],
  ])('recorded %s: ranges over %j', (_case, [fst, snd, trd], expected) => {
    expect(run('States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)', { input: { FunctionInput: { fst, snd, trd } } })).toEqual(expected);
  });

  it.each([
    ['States.ArrayRange(5, 1, -2)', [5, 3, 1]],
    ['States.ArrayRange(3, 3, -1)', [3]],
    ['States.ArrayRange(5, 1, 1)', []],
    ['States.ArrayRange(1, 5, -1)', []],
    ['States.ArrayRange(1.6, 1.4, 1)', [1]],
    ['States.ArrayRange(5.4, -0.6, -2.4)', [5, 3, 1]],
  ])('evaluates %j', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it('allows exactly 1000 items', () => {
    expect(run('States.ArrayRange(1000, 1, -1)')).toHaveLength(1000);
  });

  it.each([
    "States.ArrayRange('a', 5, 1)",
    'States.ArrayRange(1, 10, 0)',
    'States.ArrayRange(1, 10, 0.49)',
    'States.ArrayRange(1, 1001, 1)',
    'States.ArrayRange(1001, 1, -1)',
    'States.ArrayRange(1, 5)',
    'States.ArrayRange(1, 5, 1, 99)',
  ])('fails on %j', (expression) => {
    expectInvalid(expression, 'States.ArrayRange');
  });
});

describe('States.ArrayGetItem', () => {
  it.each([
    ['TestArray_test_array_get_item', [1, 2, 3, 4, 5, 6, 7, 8, 9], 5, 6],
    ['BASE_ASSIGN_FROM_INTRINSIC_FUNCTION', [1, 2, 3, 4, 5, 6], 2, 3],
  ])('recorded %s: reads %j at %j', (_case, fst, snd, expected) => {
    expect(run(`States.ArrayGetItem(${TWO})`, { input: { FunctionInput: { fst, snd } } })).toBe(expected);
  });

  it('recorded TestGeneric_test_nested_calls_2: takes the last piece of a split name', () => {
    // Prepare
    const expression = "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))";

    // Act + Assess
    expect(run(expression, { context: { StateMachine: { Name: 'orders-prod-v2' } } })).toBe('v2');
  });

  it.each([
    [[10, 20, 30], 1.2, 20],
    [[], 999, null],
    [[null], 0, null],
  ])('reads %j at %j', (arr, idx, expected) => {
    expect(run('States.ArrayGetItem($.arr, $.idx)', { input: { arr, idx } })).toEqual(expected);
  });

  it.each([
    ['States.ArrayGetItem($.arr, 3)', { arr: [10, 20, 30] }],
    ['States.ArrayGetItem($.arr, -1)', { arr: [10, 20, 30] }],
    ["States.ArrayGetItem($.arr, '1')", { arr: [10, 20, 30] }],
    ["States.ArrayGetItem('not-array', 0)", {}],
    ['States.ArrayGetItem($.arr)', { arr: [1] }],
  ])('fails on %j with %j', (expression, input) => {
    expectInvalid(expression, 'States.ArrayGetItem', input);
  });
});

describe('States.ArrayLength', () => {
  it.each([
    ['BASE_ASSIGN_FROM_INTRINSIC_FUNCTION', [1, 2, 3, 4, 5, 6], 6],
    ['TestArray_test_array_length (localstack snapshot)', [1, 2, 3, 4, 5, 6, 7, 8, 9], 9],
  ])('recorded %s: counts %j', (_case, functionInput, expected) => {
    expect(run(`States.ArrayLength(${ONE})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it('counts an empty wildcard selection as 0', () => {
    expect(run('States.ArrayLength($.items[*].nope)', { input: { items: [1, 2] } })).toBe(0);
  });

  it.each([
    ['States.ArrayLength($.s)', { s: 'abc' }],
    ['States.ArrayLength($.o)', { o: {} }],
    ['States.ArrayLength()', {}],
  ])('fails on %j with %j', (expression, input) => {
    expectInvalid(expression, 'States.ArrayLength', input);
  });
});

describe('States.ArrayUnique', () => {
  it('recorded BASE_ASSIGN_FROM_INTRINSIC_FUNCTION: drops repeats', () => {
    expect(run('States.ArrayUnique($.duplicateArray)', { input: { duplicateArray: [1, 2, 2, 3, 3, 4] } })).toEqual([1, 2, 3, 4]);
  });

  it('compares deeply and keeps the first occurrence', () => {
    // Prepare
    const input = { a: [null, null, true, true, 1, 1, 1.1, 0, -0, 'x', 'x', [], [], [null], [null], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 1 }] };

    // Act + Assess
    expect(run('States.ArrayUnique($.a)', { input })).toEqual([null, true, 1, 1.1, 0, 'x', [], [null], { a: 1, b: 2 }, { a: 1, b: 1 }]);
  });

  it.each([['States.ArrayUnique($.s)', { s: 'aa' }]])('fails on %j', (expression, input) => {
    expectInvalid(expression, 'States.ArrayUnique', input);
  });
});

describe('States.Base64Encode', () => {
  it.each<Recorded>([
    ['TestEncodeDecode_test_base_64_encode_0', '', ''],
    ['TestEncodeDecode_test_base_64_encode_1', 'Data to encode', 'RGF0YSB0byBlbmNvZGU='],
    ['BASE_ASSIGN_FROM_INTRINSIC_FUNCTION', 'Hello World', 'SGVsbG8gV29ybGQ='],
  ])('recorded %s: encodes %j', (_case, functionInput, expected) => {
    expect(run(`States.Base64Encode(${ONE})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it('encodes UTF-8 and accepts 10,000 characters', () => {
    expect(run("States.Base64Encode('✓')")).toBe('4pyT');
    expect(run('States.Base64Encode($.s)', { input: { s: 'a'.repeat(10000) } })).toHaveLength(13336);
  });

  it.each([
    ['States.Base64Encode($.s)', { s: 'a'.repeat(10001) }],
    ['States.Base64Encode(123)', {}],
    ["States.Base64Encode('a', 'b')", {}],
  ])('fails on %j', (expression, input) => {
    expectInvalid(expression, 'States.Base64Encode', input);
  });
});

describe('States.Base64Decode', () => {
  it('recorded BASE_ASSIGN_FROM_INTRINSIC_FUNCTION: decodes to text', () => {
    expect(run('States.Base64Decode($.encodedString)', { input: { encodedString: 'SGVsbG8gV29ybGQ=' } })).toBe('Hello World');
  });

  it.each([
    ['', ''],
    ['4pyT', '✓'],
    ['YWJjAGRlZg==', 'abc\u0000def'],
    [' YWJjZA== ', 'abcd'],
  ])('decodes %j', (encoded, expected) => {
    expect(run('States.Base64Decode($.s)', { input: { s: encoded } })).toBe(expected);
  });

  it.each([
    ['States.Base64Decode($.s)', { s: 'A'.repeat(10001) }],
    ['States.Base64Decode(123)', {}],
    ['States.Base64Decode($.o)', { o: {} }],
    ['States.Base64Decode()', {}],
  ])('fails on %j', (expression, input) => {
    expectInvalid(expression, 'States.Base64Decode', input);
  });
});

describe('States.Hash', () => {
  it.each<Recorded>([
    ['TestHashCalculations_test_hash_0', { fst: 'input data', snd: 'MD5' }, '812f45842bc6d66ee14572ce20db8e86'],
    ['TestHashCalculations_test_hash_1', { fst: 'input data', snd: 'SHA-1' }, 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    ['TestHashCalculations_test_hash_2', { fst: 'input data', snd: 'SHA-256' }, 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3'],
    ['TestHashCalculations_test_hash_3', { fst: 'input data', snd: 'SHA-384' }, 'd28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562'],
    ['TestHashCalculations_test_hash_4', { fst: 'input data', snd: 'SHA-512' }, '6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4'],
  ])('recorded %s: hashes %j', (_case, functionInput, expected) => {
    expect(run(`States.Hash(${TWO})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it('recorded BASE_REFERENCE_IN_INTRINSIC_FUNCTION: hashes a variable', () => {
    expect(run("States.Hash($inputString, 'SHA-256')", { variables: { inputString: 'Hash this string' } })).toBe('1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e');
  });

  it('hashes a non-string value as its JSON text', () => {
    expect(run("States.Hash($.o, 'MD5')", { input: { o: { a: 1 } } })).toBe(run("States.Hash('{\"a\":1}', 'MD5')"));
  });

  it.each([
    ["States.Hash('data', 'sha-256')", {}],
    ["States.Hash('data', 'SHA256')", {}],
    ["States.Hash('data', '')", {}],
    ["States.Hash('data', 'MD-5')", {}],
    ["States.Hash('hello', 123)", {}],
    ["States.Hash($.s, 'SHA-256')", { s: 'a'.repeat(10001) }],
    ['States.Hash()', {}],
    ["States.Hash('hello')", {}],
    ["States.Hash('hello', 'SHA-256', 'extra')", {}],
  ])('fails on %j', (expression, input) => {
    expectInvalid(expression, 'States.Hash', input);
  });
});

describe('States.JsonMerge', () => {
  it('recorded BASE_REFERENCE_IN_INTRINSIC_FUNCTION: merges two objects', () => {
    expect(run('States.JsonMerge($json1, $json2, false)', { variables: { json1: { a: 1, b: 2 }, json2: { c: 3, d: 4 } } })).toEqual({ a: 1, b: 2, c: 3, d: 4 });
  });

  it('replaces shared keys wholesale (shallow merge)', () => {
    // Prepare
    const input = { l: { a: { x: 1, y: 2 }, b: 1 }, r: { a: { z: 3 } } };

    // Act + Assess
    expect(run('States.JsonMerge($.l, $.r, false)', { input })).toEqual({ a: { z: 3 }, b: 1 });
  });

  it.each([
    ['States.JsonMerge($.l, $.r, true)', { l: {}, r: {} }],
    ["States.JsonMerge($.l, $.r, 'false')", { l: {}, r: {} }],
    ['States.JsonMerge($.l, $.r)', { l: {}, r: {} }],
    ['States.JsonMerge($.l, $.r, false)', { l: [], r: {} }],
    ['States.JsonMerge($.l, $.r, false)', { l: {}, r: 'x' }],
  ])('fails on %j with %j', (expression, input) => {
    expectInvalid(expression, 'States.JsonMerge', input);
  });
});

describe('States.MathRandom', () => {
  it.each([
    ['States.MathRandom(1, 999)', 0, 1],
    ['States.MathRandom(1, 999)', 0.999999, 998],
    ['States.MathRandom(1.6, 5.4)', 0, 1],
    ['States.MathRandom(-10, 10)', 0.5, 0],
  ])('draws %j from env.random()=%j as %j (start inclusive, end exclusive)', (expression, r, expected) => {
    expect(run(expression, {}, { ...fixedEnv, random: () => r })).toBe(expected);
  });

  it.each([
    // start + new java.util.Random(seed).nextInt(end - start), the values taken from a JVM.
    ['States.MathRandom(1, 100, 42)', 63],
    ['States.MathRandom(0, 999, 42)', 125],
    ['States.MathRandom(10, 19, -10)', 10],
    ['States.MathRandom(1, 8, 0.9)', 6],
    ['States.MathRandom(0, 1000000, 1)', 548985],
  ])('is reproducible with a seed: %j', (expression, expected) => {
    expect(run(expression)).toBe(expected);
    expect(run(expression, {}, { ...fixedEnv, random: () => 0.123 })).toBe(expected);
  });

  it.each([
    'States.MathRandom(1, 1)',
    'States.MathRandom(10, 5)',
    'States.MathRandom(1.4, 1.6)',
    "States.MathRandom('a', 10)",
    "States.MathRandom(1, 10, 'seed')",
    'States.MathRandom(1, 10, null)',
    'States.MathRandom(1)',
    'States.MathRandom(1, 10, 5, 99)',
  ])('fails on %j', (expression) => {
    expectInvalid(expression, 'States.MathRandom');
  });
});

describe('States.MathAdd', () => {
  it.each<Recorded>([
    ['TestMathOperations_test_math_add_0', { fst: -9, snd: 3 }, -6],
    ['TestMathOperations_test_math_add_1', { fst: 1.49, snd: 1.5 }, 3],
    ['TestMathOperations_test_math_add_2', { fst: 1.5, snd: 1.51 }, 4],
    ['TestMathOperations_test_math_add_3', { fst: -1.49, snd: -1.5 }, -2],
    ['TestMathOperations_test_math_add_4', { fst: -1.5, snd: -1.51 }, -3],
    ['TestMathOperations_test_math_add_5', { fst: 1.49, snd: 0 }, 1],
    ['TestMathOperations_test_math_add_6', { fst: 1.49, snd: -1.49 }, 0],
    ['TestMathOperations_test_math_add_7', { fst: 1.5, snd: 0 }, 2],
    ['TestMathOperations_test_math_add_8', { fst: 1.51, snd: 0 }, 2],
    ['TestMathOperations_test_math_add_9', { fst: -1.49, snd: 0 }, -1],
    ['TestMathOperations_test_math_add_10', { fst: -1.5, snd: 0 }, -1],
    ['TestMathOperations_test_math_add_11', { fst: -1.51, snd: 0 }, -2],
    ['TestMathOperations_test_math_add_12', { fst: 0.5, snd: 0 }, 1],
    ['TestMathOperations_test_math_add_13', { fst: 1.5, snd: 0 }, 2],
    ['TestMathOperations_test_math_add_14', { fst: 2.5, snd: 0 }, 3],
    ['TestMathOperations_test_math_add_15', { fst: 3.5, snd: 0 }, 4],
    ['TestMathOperations_test_math_add_16', { fst: -0.5, snd: 0.5 }, 1],
    ['TestMathOperations_test_math_add_17', { fst: -0.5, snd: 0 }, 0],
    ['TestMathOperations_test_math_add_18', { fst: -1.5, snd: 0 }, -1],
    ['TestMathOperations_test_math_add_19', { fst: -2.5, snd: 0 }, -2],
    ['TestMathOperations_test_math_add_20', { fst: -3.5, snd: 0 }, -3],
    ['BASE_ASSIGN_FROM_INTRINSIC_FUNCTION', { fst: 5, snd: 3 }, 8],
  ])('recorded %s: adds %j', (_case, functionInput, expected) => {
    expect(run(`States.MathAdd(${TWO})`, { input: { FunctionInput: functionInput } })).toBe(expected);
  });

  it.each([
    ['States.MathAdd(2147483646, 1)', 2147483647],
    ['States.MathAdd(-2147483647, -1)', -2147483648],
    ['States.MathAdd($.n, -1)', 110],
  ])('evaluates %j', (expression, expected) => {
    expect(run(expression, { input: { n: 111 } })).toBe(expected);
  });

  it.each([
    'States.MathAdd(2147483647, 1)',
    'States.MathAdd(-2147483648, -1)',
    'States.MathAdd(3000000000, 1)',
    "States.MathAdd('a', 1)",
    "States.MathAdd('1', 2)",
    'States.MathAdd(null, 1)',
    'States.MathAdd(true, 1)',
    'States.MathAdd(1)',
    'States.MathAdd(1, 2, 999)',
  ])('fails on %j', (expression) => {
    expectInvalid(expression, 'States.MathAdd');
  });
});

describe('States.StringSplit', () => {
  it.each<Recorded>([
    ['TestStringOperations_test_string_split_0', { fst: ' ', snd: ',' }, [' ']],
    ['TestStringOperations_test_string_split_1', { fst: ' , ', snd: ',' }, [' ', ' ']],
    ['TestStringOperations_test_string_split_2', { fst: ', , ,', snd: ',' }, [' ', ' ']],
    ['TestStringOperations_test_string_split_3', { fst: ',,,,', snd: ',' }, []],
    ['TestStringOperations_test_string_split_4', { fst: '1,2,3,4,5', snd: ',' }, ['1', '2', '3', '4', '5']],
    ['TestStringOperations_test_string_split_5', { fst: 'This.is+a,test=string', snd: '.+,=' }, ['This', 'is', 'a', 'test', 'string']],
    ['TestStringOperations_test_string_split_6', { fst: 'split on T and \nnew line', snd: 'T\n' }, ['split on ', ' and ', 'new line']],
    ['BASE_ASSIGN_FROM_INTRINSIC_FUNCTION', { fst: 'a,b,c,d,e', snd: ',' }, ['a', 'b', 'c', 'd', 'e']],
  ])('recorded %s: splits %j', (_case, functionInput, expected) => {
    expect(run(`States.StringSplit(${TWO})`, { input: { FunctionInput: functionInput } })).toEqual(expected);
  });

  it('recorded TestGeneric_test_escape_sequence: splits a literal at a newline', () => {
    expect(run("States.StringSplit('Hello\nWorld', '\n')")).toEqual(['Hello', 'World']);
  });

  it.each([
    ["States.StringSplit('abc', '')", ['abc']],
    ["States.StringSplit('', ',')", []],
  ])('evaluates %j', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it.each(["States.StringSplit(1, ',')", "States.StringSplit('a', 1)", "States.StringSplit('a')"])('fails on %j', (expression) => {
    expectInvalid(expression, 'States.StringSplit');
  });
});

describe('States.UUID', () => {
  it('returns the UUID from env.uuid()', () => {
    expect(run('States.UUID()')).toBe(fixedEnv.uuid());
  });

  it('calls env.uuid() once per call', () => {
    // Prepare
    let n = 0;
    const env = { uuid: () => `id-${++n}` };

    // Act + Assess
    expect(run('States.Array(States.UUID(), States.UUID())', {}, env)).toEqual(['id-1', 'id-2']);
  });

  it('fails on an argument', () => {
    expectInvalid("States.UUID('x')", 'States.UUID');
  });
});

import { describe, expect, it } from '@jest/globals';
import jsonata from 'jsonata';
import type { JsonValue } from '../../../engine/json.ts';
import { FUNCTION_NAMES } from '../../../engine/query/jsonata/functions.ts';
import { evaluateJsonata, evaluateTemplate, JsonataFailure, seededRandom } from '../../../engine/query/jsonata/index.ts';
import { bindings, fakeEnv, FIXED_NOW } from './fixtures.ts';

async function run(expression: string, input: JsonValue = {}): Promise<JsonValue | undefined> {
  return evaluateJsonata(expression, bindings(input), fakeEnv(), 'Output');
}

async function failure(expression: string): Promise<JsonataFailure> {
  try {
    await evaluateTemplate(`{% ${expression} %}`, bindings(), fakeEnv(), 'Output');
  } catch (e) {
    if (e instanceof JsonataFailure) return e;
    throw e;
  }
  throw new Error(`${expression} did not fail`);
}

const evaluationError = (expression: string, text: string): string =>
  `The JSONata expression '${expression}' specified for the field 'Output' threw an error during evaluation. ${text}`;

describe('$partition', () => {
  // intrinsic_functions/test_array_jsonata: test_array_partition_0 .. _19
  it.each<[number[], number, number[][]]>([
    [[0], 1, [[0]]],
    [[0], 2, [[0]]],
    [[0], 3, [[0]]],
    [[0], 4, [[0]]],
    [[0], 5, [[0]]],
    [[0, 1], 1, [[0], [1]]],
    [[0, 1], 2, [[0, 1]]],
    [[0, 1], 3, [[0, 1]]],
    [[0, 1], 4, [[0, 1]]],
    [[0, 1], 5, [[0, 1]]],
    [[0, 1, 2], 1, [[0], [1], [2]]],
    [[0, 1, 2], 2, [[0, 1], [2]]],
    [[0, 1, 2], 3, [[0, 1, 2]]],
    [[0, 1, 2], 4, [[0, 1, 2]]],
    [[0, 1, 2], 5, [[0, 1, 2]]],
    [[0, 1, 2, 3], 1, [[0], [1], [2], [3]]],
    [[0, 1, 2, 3], 2, [[0, 1], [2, 3]]],
    [[0, 1, 2, 3], 3, [[0, 1, 2], [3]]],
    [[0, 1, 2, 3], 4, [[0, 1, 2, 3]]],
    [[0, 1, 2, 3], 5, [[0, 1, 2, 3]]],
  ])('partitions %j into chunks of %d as recorded', async (fst, snd, expected) => {
    const expression = '$partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd)';
    await expect(run(expression, { FunctionInput: { fst, snd } })).resolves.toEqual(expected);
  });

  it.each<[string, JsonValue]>([
    ['$partition([1,2,3,4,5,6,7,8,9], 3)', [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
    ['$partition([], 3)', []],
    ['$partition([1,2,3], 2.9)', [[1, 2], [3]]],
    ["$partition([{'a': 1}, 'x'], 1)", [[{ a: 1 }], ['x']]],
  ])('evaluates %s', async (expression, expected) => {
    await expect(run(expression)).resolves.toEqual(expected);
  });

  it.each([
    ['$partition([1,2], 0)', 'The chunk size of the $partition function must be a positive integer, but was: 0'],
    ['$partition([1,2], -1)', 'The chunk size of the $partition function must be a positive integer, but was: -1'],
    ["$partition([1,2], '2')", 'T0410: Argument 2 of function "partition" does not match function signature'],
    ['$partition([1,2])', 'T0410: Argument 2 of function "partition" does not match function signature'],
  ])('rejects %s', async (expression, text) => {
    expect((await failure(expression)).detail).toBe(evaluationError(expression, text));
  });
});

describe('$range', () => {
  it.each<[string, JsonValue]>([
    ['$range(0, 10, 2)', [0, 2, 4, 6, 8, 10]],
    ['$range(1, 8, 2)', [1, 3, 5, 7]],
    ['$range(9, 1, -2)', [9, 7, 5, 3, 1]],
    ['$range(3, 3, 1)', [3]],
    ['$range(3, 1, 1)', []],
    ['$range(1, 3, -1)', []],
    // non-integers are cut to integers
    ['$range(-1.2, 2.8, 1.9)', [-1, 0, 1, 2]],
  ])('evaluates %s', async (expression, expected) => {
    await expect(run(expression)).resolves.toEqual(expected);
  });

  it.each([
    ['$range(0, 4, 0)', 'The step of the $range function must not be zero'],
    ["$range('0', 4, 1)", 'T0410: Argument 1 of function "range" does not match function signature'],
    ['$range(0, 4, 1, 2)', 'T0410: Argument 4 of function "range" does not match function signature'],
  ])('rejects %s', async (expression, text) => {
    expect((await failure(expression)).detail).toBe(evaluationError(expression, text));
  });
});

describe('$hash', () => {
  // FIPS 180 / RFC 1321 test vectors for "abc"
  it.each([
    ['MD5', '900150983cd24fb0d6963f7d28e17f72'],
    ['SHA-1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['SHA-256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['SHA-384', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
    [
      'SHA-512',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
  ])('hashes "abc" with %s', async (algorithm, digest) => {
    await expect(run(`$hash($states.input.content, '${algorithm}')`, { content: 'abc' })).resolves.toBe(digest);
  });

  it.each([
    ["$hash('é', 'MD5')", '66ddcd97cfdeabb2f6fb8a999b4bc76f'],
    ["$hash('é', 'SHA-1')", 'bf15be717ac1b080b4f1c456692825891ff5073d'],
    ["$hash('héllo wörld', 'SHA-256')", 'a1003f7d04a4115711d0b48a2eaf1359ce565d2d2a6fd65098dfcffadeeef59f'],
  ])('hashes the UTF-8 bytes of the text: %s', async (expression, digest) => {
    await expect(run(expression)).resolves.toBe(digest);
  });

  it.each([
    ["$hash('abc', 'sha256')", "The hash algorithm 'sha256' of the $hash function is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"],
    ["$hash(1, 'MD5')", 'T0410: Argument 1 of function "hash" does not match function signature'],
  ])('rejects %s', async (expression, text) => {
    expect((await failure(expression)).detail).toBe(evaluationError(expression, text));
  });
});

describe('$random', () => {
  it('draws from the injected source without a seed', async () => {
    const env = fakeEnv();
    await expect(evaluateTemplate(['{% $random() %}', '{% $random() %}'], bindings(), env, 'Output')).resolves.toEqual([0.1, 0.2]);
  });

  // new java.util.Random(seed).nextDouble()
  it.each([
    [0, 0.730967787376657],
    [1, 0.7308781907032909],
    [42, 0.7275636800328681],
  ])('returns the same number for seed %d every time', async (seed, expected) => {
    await expect(run(`$random(${seed})`)).resolves.toBe(expected);
    await expect(run(`$random(${seed})`)).resolves.toBe(expected);
    expect(seededRandom(seed)).toBe(expected);
  });

  it('returns a number in [0, 1) for any seed', () => {
    for (const seed of [-1, 2 ** 40, -(2 ** 52), 123456789, 0.5]) {
      const n = seededRandom(seed);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(1);
    }
  });

  it('rejects a seed that is not a number', async () => {
    expect((await failure("$random('x')")).detail).toBe(
      evaluationError("$random('x')", 'T0410: Argument 1 of function "random" does not match function signature'),
    );
  });
});

describe('$uuid', () => {
  it('takes each id from the injected source', async () => {
    const env = fakeEnv();
    await expect(evaluateJsonata('[$uuid(), $uuid()]', bindings(), env)).resolves.toEqual(['uuid-1', 'uuid-2']);
    expect(env.uuidCalls).toBe(2);
  });

  it('takes no argument', async () => {
    expect((await failure('$uuid(1)')).detail).toBe(
      evaluationError('$uuid(1)', 'T0410: Argument 1 of function "uuid" does not match function signature'),
    );
  });
});

describe('$parse', () => {
  // intrinsic_functions/test_json_manipulation_jsonata: test_parse_0 .. _6
  it.each<[string, JsonValue]>([
    ['-0', 0],
    ['1', 1],
    ['1.1', 1.1],
    ['true', true],
    ['"HelloWorld"', 'HelloWorld'],
    ['[1, 2, "HelloWorld"]', [1, 2, 'HelloWorld']],
    ['{"Arg1": 1, "Arg2": []}', { Arg1: 1, Arg2: [] }],
  ])('parses %s as recorded', async (text, expected) => {
    await expect(run('$parse($states.input.FunctionInput)', { FunctionInput: text })).resolves.toEqual(expected);
  });

  it.each([
    ["$parse('{')", 'The $parse function could not parse the JSON string: {'],
    ['$parse(null)', 'T0410: Argument 1 of function "parse" does not match function signature'],
  ])('rejects %s', async (expression, text) => {
    expect((await failure(expression)).detail).toBe(evaluationError(expression, text));
  });
});

describe('$now and $millis', () => {
  it('read the injected clock, once per evaluation', async () => {
    await expect(run('$millis()')).resolves.toBe(FIXED_NOW);
    await expect(run('$now()')).resolves.toBe('2024-01-02T03:04:05.006Z');
    await expect(run("$now('[Y0001]-[M01]-[D01]')")).resolves.toBe('2024-01-02');
    await expect(run('$millis() = $toMillis($now())')).resolves.toBe(true);
  });

  it('fall back to the JSONata clock without an injected one', async () => {
    const result = await evaluateJsonata('$millis()', bindings(), { uuid: () => 'u', random: () => 0 });
    expect(typeof result).toBe('number');
  });
});

describe('functions AWS removes', () => {
  it('has no $eval', async () => {
    expect((await failure("$eval('1')")).detail).toBe(evaluationError("$eval('1')", 'T1006: Attempted to invoke a non-function'));
  });
});

describe('FUNCTION_NAMES', () => {
  it.each([...FUNCTION_NAMES].filter((name) => name !== 'eval'))('names a function: $%s', async (name) => {
    const expression = jsonata(`$${name}`);
    const builtin = await expression.evaluate(undefined);
    const registered = await evaluateJsonata(`$type($${name})`, bindings(), fakeEnv());
    expect(builtin !== undefined || registered === 'function').toBe(true);
    expect(registered).toBe('function');
  });
});

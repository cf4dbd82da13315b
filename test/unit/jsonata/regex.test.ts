import { describe, expect, it } from '@jest/globals';
import jsonata from 'jsonata';
import type { JsonValue } from '../../../engine/json.ts';
import { evaluateTemplate, JsonataFailure, JsonataFailureReason } from '../../../engine/query/jsonata/index.ts';
import { LinearRegExp, UnsupportedRegex } from '../../../engine/query/regex.ts';
import { bindings, fakeEnv } from './fixtures.ts';

const CATASTROPHIC = '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"';

async function evaluate(expression: string, input: JsonValue = {}): Promise<JsonValue> {
  return evaluateTemplate(`{% ${expression} %}`, bindings(input), fakeEnv(), 'Output');
}

/** What JSONata gives with JavaScript's own RegExp: the semantics to keep. */
async function withNativeRegExp(expression: string, input: JsonValue = {}): Promise<JsonValue> {
  return JSON.parse(JSON.stringify(await jsonata(expression).evaluate(undefined, { states: { input } }))) as JsonValue;
}

describe('regular expressions in JSONata', () => {
  it.each<[string, string, JsonValue]>([
    ['$match', `$count($match(${CATASTROPHIC}, /^(a+)+$/))`, 0],
    ['$contains', `$contains(${CATASTROPHIC}, /^(a|aa)+$/)`, false],
    ['$replace', `$replace(${CATASTROPHIC}, /^(a|a?)+$/, "x")`, CATASTROPHIC.slice(1, -1)],
    ['$split', `$split(${CATASTROPHIC}, /(a+)+b/)`, [CATASTROPHIC.slice(1, -1)]],
    ['the ~> form', `${CATASTROPHIC} ~> $contains(/^(\\w+\\s?)*$/)`, false],
    ['a regex applied as a function', `($re := /^(a+)+$/; $exists($re(${CATASTROPHIC})))`, false],
  ])('answer at once for a catastrophic-backtracking pattern through %s', async (_, expression, expected) => {
    // Act
    const result = await evaluate(expression);

    // Assess
    expect(result).toEqual(expected);
  });

  it.each<[string]>([
    ['$match("ab12cd345", /(\\d)(\\d)?/)'],
    ['$match("Hello hello HELLO", /hello/i)'],
    ['$match("one\\ntwo\\nthree", /^t\\w+$/m)'],
    ['$match("a-b-c", /-/, 1)'],
    ['$match("😀ab😀b", /b/)'],
    ['$match("2024-05 and 2025-11", /(?<year>\\d{4})-(\\d{2})/)'],
    ['$count($match("no digits", /\\d+/))'],
    ['$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")'],
    ['$replace("abc", /b/, "[$0]")'],
    ['$replace("cost: $5", /\\$(\\d)/, "$$$1 USD")'],
    ['$replace("a1b22c333", /\\d+/, function($m){ $string($length($m.match)) })'],
    ['$replace("aaa", /a/, "b", 2)'],
    ['$replace("x1y2", /(\\d)/, "<$10>")'],
    ['$split("a1b22c333d", /\\d+/)'],
    ['$split("a, b,c ,d", /\\s*,\\s*/, 2)'],
    ['$contains("Hello World", /world/i)'],
    ['$contains("Hello World", /^world/)'],
    ['$contains("first\\nsecond", /^second$/m)'],
    ['"abcabc" ~> $replace(/b(c)/, "$1")'],
    ['$map(["apple", "banana", "cherry"], function($v){ $contains($v, /an/) })'],
    ['$states.input.items[$contains(name, /^A/i)].name'],
    ['$replace("naïve café", /[éï]/, "_")'],
  ])('gives what JSONata gives with RegExp: %s', async (expression) => {
    // Prepare
    const input = { items: [{ name: 'alpha' }, { name: 'Beta' }, { name: 'Apex' }] };
    const expected = await withNativeRegExp(expression, input);

    // Act
    const result = await evaluate(expression, input);

    // Assess
    expect(result).toEqual(expected);
  });

  it('still refuses a pattern that matches the empty string in $match, as JSONata does', async () => {
    // Act
    const failure = await evaluate('$match("abc", /x*/)').catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(JsonataFailure);
    expect((failure as JsonataFailure).detail).toContain('D1004: Regular expression matches zero length string');
  });

  it.each<[string, string, string]>([
    ['a backreference', '$match("aa", /(a)\\1/)', '/(a)\\1/'],
    ['a lookahead', '$contains("ab", /a(?=b)/)', '/a(?=b)/'],
    ['a repeat count above 1000', '$contains("ab", /a{2000}/)', '/a{2000}/'],
  ])('fails %s cleanly as a QueryEvaluationError that names the pattern', async (_, expression, pattern) => {
    // Act
    const failure = await evaluate(expression).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(JsonataFailure);
    const f = failure as JsonataFailure;
    expect(f.reason).toBe(JsonataFailureReason.EvaluationError);
    expect(f.error).toBe('States.QueryEvaluationError');
    expect(f.detail).toContain(`threw an error during evaluation. The regular expression ${pattern} is not supported: `);
  });

  it('runs a lookbehind without captures, which RE2 can do in linear time', async () => {
    // Act
    const result = await evaluate('$match("price: 42 EUR, 7 USD", /(?<=: )\\d+/).match');

    // Assess
    expect(result).toBe('42');
  });
});

describe('LinearRegExp', () => {
  it.each<[string, (re: RegExp) => unknown]>([
    ['exec from lastIndex', (re) => [re.exec('a1b2c3'), re.lastIndex, re.exec('a1b2c3'), re.lastIndex]],
    ['test', (re) => [re.test('xyz'), re.test('x9')]],
    ['String.prototype.match', (re) => 'a1b22c333'.match(re)],
    ['String.prototype.matchAll', (re) => [...'a1b22c333'.matchAll(re)].map((m) => [m[0], m.index])],
    ['String.prototype.search', (re) => 'abc4'.search(re)],
    ['String.prototype.replace with a pattern', (re) => 'a1b22c333'.replace(re, "<$&|$`|$'|$1|$$>")],
    ['String.prototype.replace with a function', (re) => 'a1b22c333'.replace(re, (m: string, g1: string, offset: number) => `${g1}@${offset}`)],
    ['String.prototype.split', (re) => 'a1b22c333d'.split(re)],
    ['String.prototype.split with a limit', (re) => 'a1b22c333d'.split(re, 3)],
  ])('behaves as RegExp for %s', (_, use) => {
    // Prepare
    const native = /(\d)\d*/g;
    const linear = new LinearRegExp(native) as unknown as RegExp;

    // Act
    const result = use(linear);

    // Assess
    expect(JSON.stringify(result)).toBe(JSON.stringify(use(/(\d)\d*/g)));
  });

  it.each<[string, string]>([
    ['a\\sb', ''],
    ['a\\Sb', ''],
    ['a[^\\s]b', ''],
    ['a.b', ''],
    ['a.b', 's'],
    ['a[.]b', ''],
    ['a[\\s-z]b', ''],
  ])('matches /%s/%s on the characters JavaScript means, not RE2', (pattern, flags) => {
    // Prepare: no-break space, vertical tab, carriage return, line separator, BOM, newline, tab
    const inputs = ['a\u00a0b', 'a\vb', 'a\rb', 'a\u2028b', 'a\ufeffb', 'a\nb', 'a\tb', 'a b', 'a.b', 'axb', 'a-b', 'azb'];
    const linear = new LinearRegExp(pattern, flags);

    // Act
    const result = inputs.map((input) => linear.test(input));

    // Assess
    expect(result).toEqual(inputs.map((input) => new RegExp(pattern, flags).test(input)));
  });

  it.each<[string, string, string]>([
    ['empty matches', '', 'abc'],
    ['an empty input', ',', ''],
    ['a separator at the ends', ',', ',a,,b,'],
  ])('splits as RegExp does on %s', (_, pattern, input) => {
    // Act
    const result = input.split(new LinearRegExp(pattern, 'g') as unknown as RegExp);

    // Assess
    expect(result).toEqual(input.split(new RegExp(pattern, 'g')));
  });

  it.each<[string, string]>([
    ['a backreference', '(a)\\1'],
    ['a negative lookahead', 'a(?!b)'],
    ['the sticky flag', 'a'],
  ])('refuses %s with UnsupportedRegex', (name, pattern) => {
    // Act
    const construct = () => new LinearRegExp(pattern, name === 'the sticky flag' ? 'y' : 'g');

    // Assess
    expect(construct).toThrow(UnsupportedRegex);
  });

  it('throws the RegExp SyntaxError for text that is no regular expression at all', () => {
    // Act
    const construct = () => new LinearRegExp('(a', 'g');

    // Assess
    expect(construct).toThrow(new RegExp('Invalid regular expression'));
  });
});

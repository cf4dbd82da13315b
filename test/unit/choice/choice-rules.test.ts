import { describe, it, expect } from '@jest/globals';
import { ExecutionError } from '../../../engine/errors.ts';
import type { JsonObject, JsonValue } from '../../../engine/json.ts';
import type { PathRoots } from '../../../engine/query/jsonpath/index.ts';
import {
  ChoiceCause,
  evaluateChoiceRule,
  parseTimestamp,
  selectChoice,
  selectChoiceRule,
  wildcardMatches,
} from '../../../engine/states/choice-rules.ts';

function rootsOf(input: JsonValue, variables: Record<string, JsonValue> = {}, context: JsonValue = {}): PathRoots {
  return { input, context, variable: (name) => variables[name] };
}

/** The shape of every `choice_operators` recording: `$.Variable` compared with a literal or `$.Value`. */
function evaluate(operator: string, operand: JsonValue, variable: JsonValue, value: JsonValue = null): boolean {
  return evaluateChoiceRule({ Variable: '$.Variable', [operator]: operand }, rootsOf({ Variable: variable, Value: value }));
}

function causeOf(act: () => unknown): { error: string; cause: string | undefined } {
  try {
    act();
  } catch (e) {
    if (e instanceof ExecutionError) return { error: e.error, cause: e.causeText };
    throw e;
  }
  throw new Error('expected the evaluation to fail');
}

/** Every non-boolean value the recordings probe with. */
const notBooleans: JsonValue[] = [
  null, 0, 1, 1.1, '', ' ', 'HelloWorld', '2012-10-09T19:00:55', '2012-10-09T19:00:55Z',
  '2012-10-09T19:00:55+01:00', '2023-02-24', [], [''], {}, { A: 0 },
];

describe('BooleanEquals (recorded: only a boolean of the same value matches)', () => {
  it.each(notBooleans.flatMap((v) => [[v, true], [v, false]] as [JsonValue, boolean][]))(
    'is false for %j against %j, without raising',
    (variable, operand) => {
      expect(evaluate('BooleanEquals', operand, variable)).toBe(false);
    },
  );
  it.each([
    [true, true, true],
    [false, true, false],
    [false, false, true],
    [true, false, false],
  ])('compares %j with %j as %j', (variable, operand, expected) => {
    expect(evaluate('BooleanEquals', operand, variable)).toBe(expected);
  });
  it('compares with BooleanEqualsPath and treats a non-boolean operand as no match', () => {
    expect(evaluate('BooleanEqualsPath', '$.Value', true, true)).toBe(true);
    expect(evaluate('BooleanEqualsPath', '$.Value', true, 'true')).toBe(false);
  });
});

describe('Is* type tests (recorded: the false form is the exact negation)', () => {
  const kinds: [JsonValue, string][] = [
    [null, 'null'], [0, 'number'], [1.1, 'number'], ['', 'string'], [' ', 'string'], ['HelloWorld', 'string'],
    ['2012-10-09T19:00:55Z', 'string'], ['2023-02-24', 'string'], [[], 'array'], [[''], 'array'],
    [{}, 'object'], [{ A: 0 }, 'object'], [true, 'boolean'], [false, 'boolean'],
  ];
  it.each(kinds)('classifies %j (a %s) and negates with false', (variable, kind) => {
    const is = { IsNull: kind === 'null', IsString: kind === 'string', IsBoolean: kind === 'boolean', IsNumeric: kind === 'number' };
    for (const [operator, expected] of Object.entries(is)) {
      expect(evaluate(operator, true, variable)).toBe(expected);
      expect(evaluate(operator, false, variable)).toBe(!expected);
    }
  });
  it.each(kinds)('sees %j as present, even null', (variable) => {
    expect(evaluate('IsPresent', true, variable)).toBe(true);
    expect(evaluate('IsPresent', false, variable)).toBe(false);
  });
  it('sees a missing field as absent instead of failing', () => {
    const roots = rootsOf({});
    expect(evaluateChoiceRule({ Variable: '$.missing', IsPresent: true }, roots)).toBe(false);
    expect(evaluateChoiceRule({ Variable: '$.missing', IsPresent: false }, roots)).toBe(true);
  });
  it.each([
    ['2012-10-09T19:00:55Z', true],
    ['2012-10-09T19:00:55+01:00', true],
    ['2012-10-09T19:00:55.832957Z', true],
    ['2012-10-09T19:00:55', false],
    ['2023-02-24', false],
    ['2023-02-24 12:15:56.832957', false],
    ['HelloWorld', false],
    [1349809255, false],
    [null, false],
  ])('IsTimestamp on %j is %j', (variable, expected) => {
    expect(evaluate('IsTimestamp', true, variable)).toBe(expected);
    expect(evaluate('IsTimestamp', false, variable)).toBe(!expected);
  });
});

describe('Numeric comparisons (recorded: 1 equals 1.0, non-numbers never match)', () => {
  it.each([
    [0, 0, true], [0, 0.0, true], [0.0, 0, true], [0, 1, false], [0, 1.0, false], [0.0, 1, false],
    [1, 0, false], [1, 1, true], [1, 1.0, true], [1.1, 1, false], [1.1, 1.0, false], [2.22, 2.22, true],
  ])('NumericEqualsPath: %j against %j is %j', (variable, value, expected) => {
    expect(evaluate('NumericEqualsPath', '$.Value', variable, value)).toBe(expected);
    expect(evaluate('NumericEquals', value, variable)).toBe(expected);
  });
  it.each<JsonValue>([null, '', ' ', [], [''], {}, { A: 0 }, false, true, '1'])(
    'NumericEqualsPath is false for %j, without raising',
    (variable) => {
      for (const value of [0, 1]) expect(evaluate('NumericEqualsPath', '$.Value', variable, value)).toBe(false);
    },
  );
  it.each([
    // [variable, value, GreaterThan, GreaterThanEquals, LessThan, LessThanEquals]
    [0, 0, false, true, false, true],
    [0.0, 0, false, true, false, true],
    [0, 1, false, false, true, true],
    [1, 1, false, true, false, true],
    [1, 0, true, true, false, false],
  ])('orders %j against %j', (variable, value, gt, gte, lt, lte) => {
    const expected = { GreaterThan: gt, GreaterThanEquals: gte, LessThan: lt, LessThanEquals: lte };
    for (const [relation, result] of Object.entries(expected)) {
      expect(evaluate(`Numeric${relation}`, value, variable)).toBe(result);
      expect(evaluate(`Numeric${relation}Path`, '$.Value', variable, value)).toBe(result);
    }
  });
});

describe('String comparisons (recorded: exact, code-unit order, whitespace significant)', () => {
  it.each([
    [' ', '     ', false],
    ['\t\n', '\t\r\n', false],
    ['Hello', 'Hello', true],
  ])('StringEqualsPath: %j against %j is %j', (variable, value, expected) => {
    expect(evaluate('StringEqualsPath', '$.Value', variable, value)).toBe(expected);
    expect(evaluate('StringEquals', value, variable)).toBe(expected);
  });
  it.each([
    // [variable, value, GreaterThan, GreaterThanEquals, LessThan, LessThanEquals]
    ['', '', false, true, false, true],
    ['A', 'A ', false, false, true, true],
    ['A', 'A\t\n\r', false, false, true, true],
    ['AB', 'ABC', false, false, true, true],
    ['A', 'AB', false, false, true, true],
    ['AB', 'A', true, true, false, false],
    ['Z', 'a', false, false, true, true],
    ['\uFFFF', '\u{1F600}', true, true, false, false],
  ])('orders %j against %j', (variable, value, gt, gte, lt, lte) => {
    const expected = { GreaterThan: gt, GreaterThanEquals: gte, LessThan: lt, LessThanEquals: lte };
    for (const [relation, result] of Object.entries(expected)) {
      expect(evaluate(`String${relation}`, value, variable)).toBe(result);
      expect(evaluate(`String${relation}Path`, '$.Value', variable, value)).toBe(result);
    }
  });
  it.each([null, 0, true, [], {}])('is false for the non-string %j, without raising', (variable) => {
    expect(evaluate('StringEquals', 'x', variable)).toBe(false);
    expect(evaluate('StringLessThan', 'x', variable)).toBe(false);
    expect(evaluate('StringMatches', '*', variable)).toBe(false);
  });
});

describe('StringMatches', () => {
  it.each([
    ['log-*.txt', 'log-2024.txt', true],
    ['log-*.txt', 'log-.txt', true],
    ['log-*.txt', 'log-2024.txt.gz', false],
    ['*', '', true],
    ['*.log', 'a.b.log', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a\\\\*', 'a\\anything', true],
    ['a?c', 'abc', false],
    ['a.c', 'abc', false],
    ['[ab]', 'a', false],
    ['', '', true],
    ['', 'x', false],
  ])('pattern %j against %j is %j', (pattern, text, expected) => {
    expect(wildcardMatches(pattern, text)).toBe(expected);
    expect(evaluate('StringMatches', pattern, text)).toBe(expected);
  });
  it('stays linear on patterns that make backtracking matchers explode', () => {
    expect(wildcardMatches('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  });
});

describe('Timestamp comparisons', () => {
  const notTimestamps: JsonValue[] = [null, 0, 0.0, 1, 1.1, '', ' ', '2023-02-24 12:15:56.832957', [], [''], {}, { A: 0 }, false, true];
  it.each(notTimestamps)('TimestampEquals is false for %j, without raising (recorded)', (variable) => {
    expect(evaluate('TimestampEquals', '2012-10-09T19:00:55Z', variable)).toBe(false);
  });
  it.each([
    // [variable, value, Equals, LessThanEquals, LessThan, GreaterThanEquals] — first rows recorded
    ['2012-10-09T19:00:55Z', '2012-10-09T19:00:55Z', true, true, false, true],
    ['2012-10-09T19:00:55Z', '2012-10-09T19:00:56Z', false, true, true, false],
    ['2012-10-09T19:00:56Z', '2012-10-09T19:00:55Z', false, false, false, true],
    ['2012-10-09T20:00:55+01:00', '2012-10-09T19:00:55.000Z', true, true, false, true],
    ['2012-10-09T19:00:55.000000001Z', '2012-10-09T19:00:55Z', false, false, false, true],
  ])('compares %j with %j by instant', (variable, value, eq, lte, lt, gte) => {
    const expected = { Equals: eq, LessThanEquals: lte, LessThan: lt, GreaterThanEquals: gte, GreaterThan: !lte };
    for (const [relation, result] of Object.entries(expected)) {
      expect(evaluate(`Timestamp${relation}`, value, variable)).toBe(result);
      expect(evaluate(`Timestamp${relation}Path`, '$.Value', variable, value)).toBe(result);
    }
  });
});

describe('parseTimestamp (Java ISO_OFFSET_DATE_TIME, as AWS quotes for Wait)', () => {
  it.each([
    '2016-08-18T17:33:00Z',
    '2016-08-18T17:33:00.123Z',
    '2026-11-22T14:00:10.000000Z',
    '2026-11-22T14:00:10.00Z',
    '2016-08-18T17:33:00.123456789+05:30',
    '2016-08-18T17:33:00-0800',
    '2016-08-18T17:33:00+01',
    '2016-08-18T17:33Z',
    '2016-02-29T00:00:00Z',
    '2016-08-18t17:33:00z',
  ])('accepts %j', (text) => {
    expect(parseTimestamp(text)).not.toBeUndefined();
  });
  it.each([
    '2026-11-22T14:00:10',
    '2026-11-22T14:00:10.000000',
    '2023-02-24',
    '2016-08-18 17:33:00Z',
    '2015-02-29T00:00:00Z',
    '2016-13-01T00:00:00Z',
    '2016-08-18T24:00:00Z',
    '2016-08-18T17:60:00Z',
    '2016-08-18T17:33:60Z',
    '2016-08-18T17:33:00.1234567891Z',
    '2016-08-18T17:33:00+19:00',
    '2016-8-18T17:33:00Z',
    'HelloWorld',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
  it('agrees with Date.parse to the millisecond and keeps nanoseconds apart', () => {
    const text = '2012-10-09T19:00:55.123+01:00';
    expect(parseTimestamp(text)).toBe(BigInt(Date.parse(text)) * 1_000_000n);
    expect(parseTimestamp('1969-12-31T23:59:59.999999999Z')).toBe(-1n);
  });
});

describe('And / Or / Not', () => {
  const roots = rootsOf({ type: 'Private', value: 25 });
  it.each([
    [{ Not: { Variable: '$.type', StringEquals: 'Private' } }, false],
    [{ And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }] }, true],
    [{ And: [{ Variable: '$.type', StringEquals: 'Public' }] }, false],
    [{ Or: [{ Variable: '$.value', NumericEquals: 1 }, { Variable: '$.type', StringMatches: 'Pri*' }] }, true],
    [{ Not: { Or: [{ Variable: '$.value', IsString: true }, { Not: { Variable: '$.value', IsNumeric: true } }] } }, true],
  ] as [JsonObject, boolean][])('evaluates %j as %j', (rule, expected) => {
    expect(evaluateChoiceRule(rule, roots)).toBe(expected);
  });
  it('lets an IsPresent guard stop And before a missing field is read (AWS docs)', () => {
    const rule: JsonObject = { And: [{ Variable: '$.maybe', IsPresent: true }, { Variable: '$.maybe', StringEquals: 'foo' }] };
    expect(evaluateChoiceRule(rule, rootsOf({}))).toBe(false);
  });
  it('stops Or at the first true rule', () => {
    const rule: JsonObject = { Or: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.missing', IsNull: true }] };
    expect(evaluateChoiceRule(rule, rootsOf({ a: 1 }))).toBe(true);
  });
});

describe('paths that select nothing', () => {
  it.each([
    [{ Variable: '$.missing', NumericEquals: 1 }],
    [{ Variable: '$.missing', IsNull: true }],
    [{ Variable: '$.missing', IsString: false }],
    [{ Variable: '$.missing', StringMatches: '*' }],
    [{ Not: { Variable: '$.missing', BooleanEquals: true } }],
  ] as [JsonObject][])('fail %j with States.Runtime naming the Variable', (rule) => {
    expect(causeOf(() => evaluateChoiceRule(rule, rootsOf({ present: 1 })))).toEqual({
      error: 'States.Runtime',
      cause: "Invalid path '$.missing': The choice state's condition path references an invalid value.",
    });
  });
  it('fail a ...Path operator whose comparison path is missing, naming that path', () => {
    const rule = { Variable: '$.left', TimestampLessThanPath: '$.right' };
    expect(causeOf(() => evaluateChoiceRule(rule, rootsOf({ left: '2025-01-01T00:00:00Z' })))).toEqual({
      error: 'States.Runtime',
      cause: ChoiceCause.invalidConditionPath('$.right'),
    });
  });
  it('fail on the Variable first when both paths are missing', () => {
    const rule = { Variable: '$.left', NumericEqualsPath: '$.right' };
    expect(causeOf(() => evaluateChoiceRule(rule, rootsOf({}))).cause).toBe(ChoiceCause.invalidConditionPath('$.left'));
  });
});

describe('...Path operands of the wrong type', () => {
  const roots = rootsOf({ num1: 1, str1: '1', num2: 1, str2: '1' });
  it.each([
    [{ Variable: '$.num1', NumericEqualsPath: '$.str2' }],
    [{ Variable: '$.str1', NumericEqualsPath: '$.str2' }],
    [{ Variable: '$.num1', StringEqualsPath: '$.num2' }],
    [{ Variable: '$.num1', StringGreaterThanPath: '$.str2' }],
  ] as [JsonObject][])('make %j simply false', (rule) => {
    expect(evaluateChoiceRule(rule, roots)).toBe(false);
  });
  it('fail an ordering comparison whose path value has the wrong type', () => {
    const rule = { Variable: '$.num1', StringGreaterThanPath: '$.num2' };
    expect(causeOf(() => evaluateChoiceRule(rule, roots))).toEqual({
      error: 'States.Runtime',
      cause: "Invalid value provided at path '$.num2'",
    });
  });
});

describe('path roots', () => {
  it('reads the context object (recorded: $$.Execution.Input.input-value NumericLessThanEquals 0)', () => {
    const roots = rootsOf({}, {}, { Execution: { Input: { 'input-value': 0 } } });
    expect(evaluateChoiceRule({ Variable: '$$.Execution.Input.input-value', NumericLessThanEquals: 0 }, roots)).toBe(true);
  });
  it('reads variables on both sides (recorded: $guess StringEqualsPath $answer)', () => {
    const roots = rootsOf({}, { guess: 'the_guess', answer: 'the_answer' });
    expect(evaluateChoiceRule({ Variable: '$guess', StringEqualsPath: '$answer' }, roots)).toBe(false);
    expect(evaluateChoiceRule({ Variable: '$guess', StringEquals: 'the_guess' }, roots)).toBe(true);
  });
  it('fails on a variable that is not in scope', () => {
    expect(causeOf(() => evaluateChoiceRule({ Variable: '$nope', IsNull: true }, rootsOf({}))).cause).toBe(
      ChoiceCause.invalidConditionPath('$nope'),
    );
  });
  it('reads the whole input with $', () => {
    expect(evaluateChoiceRule({ Variable: '$', NumericEquals: 3 }, rootsOf(3))).toBe(true);
  });
});

describe('selectChoice', () => {
  const state: { Choices: JsonObject[]; Default: string } = {
    Choices: [
      { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
      { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
      { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
    ],
    Default: 'DefaultState',
  };
  it.each([
    [{ type: 'Public', value: 0 }, 'Public'],
    [{ type: 'Private', value: 0 }, 'ValueIsZero'],
    [{ type: 'Private', value: 22 }, 'ValueInTwenties'],
    [{ type: 'Private', value: 30 }, 'DefaultState'],
  ])('routes %j to %s', (input, next) => {
    expect(selectChoice(state, rootsOf(input))).toBe(next);
  });
  it('returns undefined when nothing matches and there is no Default', () => {
    expect(selectChoice({ Choices: state.Choices }, rootsOf({ type: 'Private', value: 30 }))).toBeUndefined();
  });
  it('returns the matched rule itself for its other fields', () => {
    expect(selectChoiceRule(state, rootsOf({ type: 'Private', value: 0 }))).toBe(state.Choices[1]);
  });
  it('stops at the first match, so a later rule on a missing path never fails', () => {
    const choices: JsonObject[] = [
      { Variable: '$.a', IsPresent: true, Next: 'A' },
      { Variable: '$.missing', IsNull: true, Next: 'B' },
    ];
    expect(selectChoice({ Choices: choices }, rootsOf({ a: 1 }))).toBe('A');
    expect(() => selectChoice({ Choices: choices }, rootsOf({}))).toThrow(ExecutionError);
  });
});

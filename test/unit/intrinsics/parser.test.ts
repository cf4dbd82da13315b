import { describe, it, expect } from '@jest/globals';
import { isIntrinsicExpression, parseIntrinsic, IntrinsicSyntaxError } from '../../../engine/query/intrinsics/index.ts';

describe('isIntrinsicExpression', () => {
  it.each([
    ["States.Format('Hello {}', $.name)", true],
    ['States.Array()', true],
    ['States.UUID()', true],
    ['$.a.b', false],
    ['$$.Execution.Id', false],
    ['$var', false],
    ['States.Format', false],
    ["'States.Array()'", false],
  ])('tells whether %j is an intrinsic call (%s)', (text, expected) => {
    expect(isIntrinsicExpression(text)).toBe(expected);
  });
});

describe('parseIntrinsic', () => {
  it('reads every kind of argument', () => {
    // Act
    const call = parseIntrinsic("States.Array('s', 1, -2.5, 1e3, true, false, null, $, $.a[0], $$.Execution.Id, $v.f, States.UUID())");

    // Assess
    expect(call).toEqual({
      name: 'States.Array',
      args: [
        { kind: 'literal', value: 's', escaped: [false] },
        { kind: 'literal', value: 1 },
        { kind: 'literal', value: -2.5 },
        { kind: 'literal', value: 1000 },
        { kind: 'literal', value: true },
        { kind: 'literal', value: false },
        { kind: 'literal', value: null },
        { kind: 'path', path: '$' },
        { kind: 'path', path: '$.a[0]' },
        { kind: 'path', path: '$$.Execution.Id' },
        { kind: 'path', path: '$v.f' },
        { kind: 'call', call: { name: 'States.UUID', args: [] } },
      ],
    });
  });

  it.each([
    ["States.Format('\\'')", "'"],
    ["States.Format('\\{\\}')", '{}'],
    ["States.Format('a\\\\b')", 'a\\b'],
    // The recorded escape_sequence case carries a real newline inside the literal.
    ["States.StringSplit('Hello\nWorld', '\n')", 'Hello\nWorld'],
    ["States.Format('He said \"hi\"')", 'He said "hi"'],
  ])('unescapes the string literal in %j', (text, value) => {
    const first = parseIntrinsic(text).args[0];
    expect(first.kind === 'literal' && first.value).toBe(value);
  });

  it('remembers which braces were escaped, so States.Format can tell them from placeholders', () => {
    const first = parseIntrinsic("States.Format('\\{}{}')").args[0];
    expect(first).toEqual({ kind: 'literal', value: '{}{}', escaped: [true, false, false, false] });
  });

  it('keeps brackets, quotes and spaces inside a path filter', () => {
    const call = parseIntrinsic("States.ArrayLength($.items[?(@.tag == 'a, b')])");
    expect(call.args).toEqual([{ kind: 'path', path: "$.items[?(@.tag == 'a, b')]" }]);
  });

  it('accepts the nine-deep nesting shown in the AWS documentation', () => {
    const text =
      "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    expect(parseIntrinsic(text).name).toBe('States.Format');
  });

  it.each([
    // Rejected by AWS at CreateStateMachine (corpus/validation/scenarios__test_base_scenarios, ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION).
    `States.StringToJson('{"text":"An \\"escaped double quote\\" here"}')`,
    // ... and ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION_2.
    `States.Format('He said, \\"Hello, {}!\\"', 'Test \\"Name\\" Here')`,
    "States.Base64Decode('YWJj\\nZA==')",
    'States.NoSuchFunction()',
    'States.Array(',
    'States.Array(1,)',
    'States.Array(1 2)',
    "States.Array('open)",
    'States.Array(tru)',
    'States.Array() trailing',
    'States.Array($.a[0)',
    'States.Array(1)(2)',
  ])('rejects %j as a syntax error', (text) => {
    expect(() => parseIntrinsic(text)).toThrow(IntrinsicSyntaxError);
  });

  it('names the expression and the position in the syntax error', () => {
    expect(() => parseIntrinsic("States.Format('a\\\"b')")).toThrow(
      "Invalid intrinsic function call 'States.Format('a\\\"b')': a backslash may only escape ', {, } or \\ at position 16",
    );
  });
});

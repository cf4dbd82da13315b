/**
 * How evaluation reads its arguments and reports failures. The causes for a missing path follow
 * AWS's wording as captured from real executions outside the corpus (the corpus has none).
 */
import { describe, it, expect } from '@jest/globals';
import { ExecutionError } from '../../../engine/errors.ts';
import { parseIntrinsicCached } from '../../../engine/query/intrinsics/index.ts';
import { failure, run } from './harness.ts';

describe('evaluateIntrinsic', () => {
  it('reads the input, the context object and variables', () => {
    // Prepare
    const roots = { input: { a: 1 }, context: { Execution: { Name: 'exec' } }, variables: { v: { b: 2 } } };

    // Act
    const out = run('States.Array($.a, $$.Execution.Name, $v.b, $v, $)', roots);

    // Assess
    expect(out).toEqual([1, 'exec', 2, { b: 2 }, { a: 1 }]);
  });

  it('passes an explicit null through; only an absent value is a miss', () => {
    expect(run("States.Format('{}', $.nul)", { input: { nul: null } })).toBe('null');
  });

  it.each([
    ["States.Format('{}', $.nope)", { other: 1 }, "The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'"],
    ["States.Format('{} {}', $.other, $.a.b)", { other: 1 }, "The function 'States.Format('{} {}', $.other, $.a.b)' had the following error: The JsonPath argument for the field '$.a.b' could not be found in the input '{\"other\":1}'"],
    ["States.Format('{}', States.Format('{}', $.nope))", { other: 1 }, "The function 'States.Format('{}', States.Format('{}', $.nope))' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'"],
    ["States.Format('{}', $.items[5])", { items: [1, 2] }, "The function 'States.Format('{}', $.items[5])' had the following error: The JsonPath argument for the field '$.items[5]' could not be found in the input '{\"items\":[1,2]}'"],
    ["States.Format('{}', $$.Nope.Deep)", { other: 1 }, "The function 'States.Format('{}', $$.Nope.Deep)' had the following error: The JsonPath argument for the field '$.Nope.Deep' could not be found in the input '{\"other\":1}'"],
    ['States.JsonToString($nope)', { other: 1 }, "The function 'States.JsonToString($nope)' had the following error: The JsonPath argument for the field '$nope' could not be found in the input '{\"other\":1}'"],
  ])('fails %j on %j with States.Runtime naming the path and the input', (expression, input, cause) => {
    expect(failure(expression, { input, context: { State: { Name: 'P' } } })).toEqual({ error: 'States.Runtime', cause });
  });

  it('names the whole expression, as written, when a nested call has a bad argument', () => {
    expect(failure("States.Format('{}',States.MathAdd('a', 1))")).toEqual({
      error: 'States.Runtime',
      cause: "The function 'States.Format('{}',States.MathAdd('a', 1))' had the following error: Invalid arguments in States.MathAdd",
    });
  });

  it('raises ExecutionError instances that Retry and Catch can match', () => {
    expect(() => run('States.ArrayLength(1)')).toThrow(ExecutionError);
  });

  it('reports malformed text as States.Runtime when it was not validated first', () => {
    expect(failure('States.Array(')).toMatchObject({ error: 'States.Runtime' });
  });

  it('parses each distinct text once', () => {
    expect(parseIntrinsicCached('States.Array(1)')).toBe(parseIntrinsicCached('States.Array(1)'));
  });
});

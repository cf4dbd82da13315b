/**
 * What a definition may hold in a JSONPath field: exactly what Jayway JsonPath (the library AWS
 * compiles paths with) compiles, under Step Functions' roots, with AWS's narrower reference paths.
 * The accepted paths are the examples of Jayway's README and of the Step Functions guide.
 */
import { describe, it, expect } from '@jest/globals';
import { definitionProblems } from '../../../engine/definition/validate.ts';
import { isValidPath, isValidReferencePath } from '../../../engine/definition/validate/jsonpath-syntax.ts';

type Def = Record<string, unknown>;
const pass = (fields: Def): Def => ({ StartAt: 'A', States: { A: { Type: 'Pass', End: true, ...fields } } });

describe('a JSONPath field accepts what Jayway compiles', () => {
  it.each<[string, string]>([
    ['the Step Functions guide: a bracket after a dot', "$.abc.['def ghi']"],
    ['README: dot notation', '$.store.book[0].title'],
    ['README: bracket notation', "$['store']['book'][0]['title']"],
    ['README: wildcard over an array', '$.store.book[*].author'],
    ['README: deep scan', '$..author'],
    ['README: wildcard over an object', '$.store.*'],
    ['README: deep scan below a name', '$.store..price'],
    ['README: negative index', '$..book[-2]'],
    ['README: index list', '$..book[0,1]'],
    ['README: slice to', '$..book[:2]'],
    ['README: slice between', '$..book[1:2]'],
    ['README: negative open slice', '$..book[-2:]'],
    ['README: open slice', '$..book[2:]'],
    ['README: existence filter', '$..book[?(@.isbn)]'],
    ['README: comparison filter', '$.store.book[?(@.price < 10)]'],
    ['README: comparison with the root', "$..book[?(@.price <= $['expensive'])]"],
    ['README: regular expression with a flag', '$..book[?(@.author =~ /.*REES/i)]'],
    ['README: everything', '$..*'],
    ['README: function after a deep scan', '$..book.length()'],
    ['README: && in a filter', "$.store.book[?(@.price < 10 && @.category == 'fiction')]"],
    ['README: || in a filter', "$.store.book[?(@.category == 'reference' || @.price > 10)]"],
    ['README: ! over a group', "$.store.book[?(!(@.price < 10 && @.category == 'fiction'))]"],
    ['README: in', "$.store.book[?(@.size in ['S', 'M'])]"],
    ['nin', "$.store.book[?(@.size nin ['S', 'M'])]"],
    ['README: subsetof', "$.store.book[?(@.sizes subsetof ['S', 'M', 'L'])]"],
    ['README: anyof', "$.store.book[?(@.sizes anyof ['M', 'L'])]"],
    ['README: noneof', "$.store.book[?(@.sizes noneof ['M', 'L'])]"],
    ['size', '$.store.book[?(@.title size 9)]'],
    ['empty', '$.store.book[?(@.isbn empty false)]'],
    ['a negated existence', '$.store.book[?(!@.isbn)]'],
    ['the root of the document inside a filter', '$..book[?(@.price < $.expensive)]'],
    ['double-quoted names', '$["a b"]["c"]'],
    ['several bracket names', "$['a','b']"],
    ['an escaped quote in a name', "$['it\\'s']"],
    ['a slice with a step, which Jayway reads and ignores', '$[0:5:2]'],
    ['length()', '$.items.length()'],
    ['min()', '$.numbers.min()'],
    ['max()', '$.numbers.max()'],
    ['avg()', '$.numbers.avg()'],
    ['sum()', '$.numbers.sum()'],
    ['keys()', '$.store.keys()'],
    ['a filter over the context object', '$$.Execution.Input.items[?(@.ok == true)]'],
    ['a variable with a wildcard', '$orders[*].id'],
    ['a path relative to the root, as Jayway reads it', 'store.book'],
  ])('accepts %s: %s', (_name, path) => {
    // Act
    const problems = definitionProblems(pass({ InputPath: path, Parameters: { 'v.$': path.startsWith('$') ? path : `$.${path}` } }));

    // Assess
    expect(isValidPath(path)).toBe(true);
    expect(problems).toEqual([]);
  });
});

describe('a JSONPath field refuses what Jayway cannot compile', () => {
  it.each<[string, string]>([
    ['a trailing dot', '$.a.'],
    ['a trailing deep scan', '$.a..'],
    ['three dots', '$...a'],
    ['an unclosed bracket', '$.a[0'],
    ['an unclosed quoted name', "$['a'"],
    ['two names without a comma', "$['a' 'b']"],
    ['quotes mixed in one bracket', '$[\'a\', "b"]'],
    ['a blank inside a dotted name', '$.a b'],
    ['an empty bracket', '$.a[]'],
    ['a trailing comma in an index list', '$.a[1,]'],
    ['two indexes without a comma', '$.a[1 2]'],
    ['a slice without bounds', '$.a[::2]'],
    ['a blank inside a slice', '$[1: 2]'],
    ['a placeholder filter, which needs predicates passed beside the path', '$[?]'],
    ['a filter without parentheses', '$.a[?@.b]'],
    ['an unclosed filter', '$.a[?(@.b == 1]'],
    ['a comparison without a right side', '$.a[?(@.b == )]'],
    ['an unknown operator', '$.a[?(@.b <> 1)]'],
    ['an invalid regular expression', '$.a[?(@.b =~ /[/)]'],
    ['an unclosed function call', '$.a.length('],
    ['a leading blank', ' $.a'],
    ['an empty path', ''],
  ])('refuses %s: %s', (_name, path) => {
    // Act
    const problems = definitionProblems(pass({ InputPath: path }));

    // Assess
    expect(isValidPath(path)).toBe(false);
    expect(problems.map((p) => p.message)).toEqual(["The value for the field 'InputPath' must be a valid JSONPath"]);
  });
});

describe('a reference path (ResultPath, ItemsPath, *Path) takes names and single indexes only', () => {
  it.each<[string, string, boolean]>([
    ['a bracket after a dot', "$.abc.['def ghi']", true],
    ['an index then a quoted name', "$.a[0]['b c']", true],
    ['a negative index', '$.a[-1]', true],
    ['a wildcard', '$.a[*]', false],
    ['a deep scan', '$..a', false],
    ['several names', "$['a','b']", false],
    ['an index list', '$.a[0,1]', false],
    ['a slice', '$.a[1:]', false],
    ['a filter', '$.a[?(@.b)]', false],
    ['a function', '$.a.length()', false],
  ])('%s (%s): %s', (_name, path, accepted) => {
    // Act
    const valid = isValidReferencePath(path, { inputOnly: true });

    // Assess
    expect(valid).toBe(accepted);
  });

  it('says ResultPath must be a reference path, in AWS words', () => {
    // Act
    const problems = definitionProblems(pass({ ResultPath: '$.a.length()' }));

    // Assess
    expect(problems.map((p) => p.message)).toEqual(["The value for the field 'ResultPath' must be a valid JSONPath reference path"]);
  });
});

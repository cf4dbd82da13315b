/**
 * Jayway's `=~` in JSONPath filters runs on the linear-time engine (RE2): a pattern a workflow
 * brings cannot block the event loop with catastrophic backtracking.
 */
import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { readPath } from '../../../engine/query/jsonpath/index.ts';
import { UnsupportedRegex } from '../../../engine/query/regex.ts';

const DATA = { items: [{ name: 'abc' }, { name: 'xyz' }, { name: `${'a'.repeat(40)}!` }] };

describe('regular expressions in JSONPath filters', () => {
  it.each<[string, string]>([
    ['a nested quantifier', '$.items[?(@.name =~ /^(a+)+$/)].name'],
    ['an alternation under a quantifier', '$.items[?(@.name =~ /(a|aa)+/)].name'],
  ])('answer at once for a catastrophic-backtracking pattern: %s', (_, path) => {
    // Act
    const result = readPath(path, DATA);

    // Assess: Jayway matches the whole string, which none of these is
    expect(result).toEqual({ found: true, value: [] });
  });

  it.each<[string, JsonValue]>([
    ['$.items[?(@.name =~ /a.*/)].name', ['abc', DATA.items[2].name]],
    ['$.items[?(@.name =~ /X.Z/i)].name', ['xyz']],
    ['$.items[?(@.name =~ /[a-c]+/)].name', ['abc']],
    ['$.items[?(@.name == "abc")].name', ['abc']],
  ])('selects as Jayway does: %s', (path, expected) => {
    // Act
    const result = readPath(path, DATA);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });

  it('refuses a backreference, which RE2 cannot run, with UnsupportedRegex', () => {
    // Act
    const read = () => readPath('$.items[?(@.name =~ /(a)\\1/)].name', DATA);

    // Assess
    expect(read).toThrow(UnsupportedRegex);
  });
});

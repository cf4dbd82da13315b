import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { readPath } from '../../../engine/query/jsonpath/index.ts';
import { UnsupportedRegex } from '../../../engine/query/regex.ts';

const DATA = { items: [{ name: 'abc' }, { name: 'xyz' }, { name: `${'a'.repeat(40)}!` }] };

describe('regular expressions in JSONPath filters', () => {
  it.each<[string, string]>([
    ['a regex literal', '$.items[?(/^(a+)+$/.test(@.name))].name'],
    ['a string given to match', "$.items[?(@.name.match('^(a+)+$'))].name"],
    ['a string given to search', "$.items[?(@.name.search('^(a|aa)+$') >= 0)].name"],
  ])('answer at once for a catastrophic-backtracking pattern in %s', (_, path) => {
    // Act
    const result = readPath(path, DATA);

    // Assess
    expect(result).toEqual({ found: true, value: [] });
  });

  it.each<[string, JsonValue]>([
    ['$.items[?(/^a/.test(@.name))].name', ['abc', DATA.items[2].name]],
    ['$.items[?(/^X/i.test(@.name))].name', ['xyz']],
    ["$.items[?(@.name.match('^a'))].name", ['abc', DATA.items[2].name]],
    ["$.items[?(@.name.replace(/b/, 'B') === 'aBc')].name", ['abc']],
    ['$.items[?(@.name.split(/b/).length > 1)].name', ['abc']],
    ['$.items[?(@.name == "abc")].name', ['abc']],
  ])('selects as before: %s', (path, expected) => {
    // Act
    const result = readPath(path, DATA);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });

  it('refuses a backreference, which RE2 cannot run, with UnsupportedRegex', () => {
    // Act
    const read = () => readPath('$.items[?(/(a)\\1/.test(@.name))].name', DATA);

    // Assess
    expect(read).toThrow(UnsupportedRegex);
  });
});

/**
 * JSONPath read at run time as Jayway JsonPath reads it, over the store document of Jayway's
 * README and the results it documents for each path.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { readPath, resolvePath, type PathRoots } from '../../../engine/query/jsonpath/index.ts';

const sayings = { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 };
const sword = { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 };
const moby = { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 };
const rings = { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 };
const bicycle = { color: 'red', price: 19.95 };
const store: JsonValue = { store: { book: [sayings, sword, moby, rings], bicycle }, expensive: 10 };
const authors = ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien'];

describe('readPath gives the results Jayway documents for its README store', () => {
  it.each<[string, string, JsonValue]>([
    ['the authors of all books', '$.store.book[*].author', authors],
    ['all authors', '$..author', authors],
    ['all things, both books and bicycles', '$.store.*', [[sayings, sword, moby, rings], bicycle]],
    ['the price of everything', '$.store..price', [8.95, 12.99, 8.99, 22.99, 19.95]],
    ['the third book', '$..book[2]', [moby]],
    ['the second to last book', '$..book[-2]', [moby]],
    ['the first two books', '$..book[0,1]', [sayings, sword]],
    ['all books from index 0 until index 2', '$..book[:2]', [sayings, sword]],
    ['all books from index 1 until index 2', '$..book[1:2]', [sword]],
    ['the last two books', '$..book[-2:]', [moby, rings]],
    ['all books from index 2 to last', '$..book[2:]', [moby, rings]],
    ['all books with an ISBN number', '$..book[?(@.isbn)]', [moby, rings]],
    ['all books in store cheaper than 10', '$.store.book[?(@.price < 10)]', [sayings, moby]],
    ['all books that are not "expensive"', "$..book[?(@.price <= $['expensive'])]", [sayings, moby]],
    ['all books matching a regex, ignoring case', '$..book[?(@.author =~ /.*REES/i)]', [sayings]],
    ['the number of books', '$..book.length()', 4],
  ])('%s: %s', (_name, path, expected) => {
    // Act
    const result = readPath(path, store);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });
});

describe('readPath evaluates filters as Jayway does', () => {
  it.each<[string, string, JsonValue]>([
    ['the root of the document, in dot notation', '$..book[?(@.price < $.expensive)].title', ['Sayings of the Century', 'Moby Dick']],
    ['&&', "$.store.book[?(@.price < 10 && @.category == 'fiction')].title", ['Moby Dick']],
    ['||', "$.store.book[?(@.category == 'reference' || @.price > 20)].title", ['Sayings of the Century', 'The Lord of the Rings']],
    ['! over a group', "$.store.book[?(!(@.price < 10 && @.category == 'fiction'))].title", ['Sayings of the Century', 'Sword of Honour', 'The Lord of the Rings']],
    ['! over an existence', '$.store.book[?(!@.isbn)].title', ['Sayings of the Century', 'Sword of Honour']],
    ['in', "$.store.book[?(@.category in ['reference', 'poetry'])].title", ['Sayings of the Century']],
    ['nin', "$.store.book[?(@.category nin ['fiction'])].title", ['Sayings of the Century']],
    ['a number equal to its text', "$.store.book[?(@.price == '8.99')].title", ['Moby Dick']],
    ['size of a string', '$.store.book[?(@.title size 9)].title', ['Moby Dick']],
    ['empty', '$.store.book[?(@.isbn empty false)].title', ['Moby Dick', 'The Lord of the Rings']],
    ['a filter on an object tests the object itself', '$.store.bicycle[?(@.color == "red")].price', [19.95]],
    ['a regex that must match the whole text', '$.store.book[?(@.author =~ /Rees/)].title', []],
  ])('%s: %s', (_name, path, expected) => {
    // Act
    const result = readPath(path, store);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });

  it.each<[string, string, JsonValue, JsonValue]>([
    ['subsetof', "$.items[?(@.sizes subsetof ['S', 'M', 'L'])].id", { items: [{ id: 1, sizes: ['S', 'M'] }, { id: 2, sizes: ['S', 'XL'] }] }, [1]],
    ['anyof', "$.items[?(@.sizes anyof ['M', 'L'])].id", { items: [{ id: 1, sizes: ['S', 'M'] }, { id: 2, sizes: ['S', 'XL'] }] }, [1]],
    ['noneof', "$.items[?(@.sizes noneof ['M', 'L'])].id", { items: [{ id: 1, sizes: ['S', 'M'] }, { id: 2, sizes: ['S', 'XL'] }] }, [2]],
    ['size of an array', '$.items[?(@.sizes size 2)].id', { items: [{ id: 1, sizes: ['S', 'M'] }, { id: 2, sizes: ['S'] }] }, [1]],
    ['a comparison with a length()', '$.items[?(@.sizes.length() > 1)].id', { items: [{ id: 1, sizes: ['S', 'M'] }, { id: 2, sizes: ['S'] }] }, [1]],
  ])('%s: %s', (_name, path, document, expected) => {
    // Act
    const result = readPath(path, document);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });
});

describe('readPath reads definite paths as values and indefinite ones as lists', () => {
  const numbers: JsonValue = { numbers: [1, 2, 3, 4], o: { 'def ghi': 'x', a: 1, b: 2 } };

  it.each<[string, string, JsonValue]>([
    ['a bracket after a dot', "$.o.['def ghi']", 'x'],
    ['a negative index', '$.numbers[-1]', 4],
    ['length()', '$.numbers.length()', 4],
    ['min()', '$.numbers.min()', 1],
    ['max()', '$.numbers.max()', 4],
    ['avg()', '$.numbers.avg()', 2.5],
    ['sum()', '$.numbers.sum()', 10],
    ['keys()', '$.o.keys()', ['def ghi', 'a', 'b']],
    ['several names at the end merge into one object', "$.o['a','b']", { a: 1, b: 2 }],
    ['a slice with a step, which Jayway ignores', '$.numbers[0:3:2]', [1, 2, 3]],
    ['a path without $, read from the root as Jayway does', 'o.a', 1],
  ])('%s: %s', (_name, path, expected) => {
    // Act
    const result = readPath(path, numbers);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });

  it.each<[string, string, { found: boolean; value?: JsonValue }]>([
    ['a definite path to nothing is not found', '$.missing.a', { found: false }],
    ['an indefinite path over missing data is an empty list, as AWS answers', '$.missing[*].a', { found: true, value: [] }],
    ['an index past the end is not found', '$.numbers[9]', { found: false }],
  ])('%s: %s', (_name, path, expected) => {
    // Act
    const result = readPath(path, numbers);

    // Assess
    expect(result).toEqual(expected);
  });
});

describe('resolvePath applies filters under the context object and variables', () => {
  const roots: PathRoots = {
    input: { limit: 2 },
    context: { Execution: { Input: { items: [{ n: 1 }, { n: 3 }] } } },
    variable: (name) => (name === 'orders' ? [{ id: 'a', total: 5 }, { id: 'b', total: 50 }] : undefined),
  };

  it.each<[string, string, JsonValue]>([
    ['a filter in the context object', '$$.Execution.Input.items[?(@.n > 2)].n', [3]],
    ['a filter in a variable comparing with its root', '$orders[?(@.total > $[0].total)].id', ['b']],
  ])('%s: %s', (_name, path, expected) => {
    // Act
    const result = resolvePath(path, roots);

    // Assess
    expect(result).toEqual({ found: true, value: expected });
  });
});

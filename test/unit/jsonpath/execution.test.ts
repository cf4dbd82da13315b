/**
 * Definitions with Jayway-only JSONPath, created and run end to end: what AWS runs, runs here.
 */
import { describe, it, expect } from '@jest/globals';
import type { JsonValue } from '../../../engine/json.ts';
import { testEngines } from '../../support/engine-env.ts';

const testEngine = testEngines();

const store: JsonValue = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
    ],
    'gift cards': { count: 3 },
  },
  expensive: 10,
};

describe('a JSONPath machine with Jayway paths', () => {
  it.each<[string, object, JsonValue]>([
    ['a filter comparing with the root', { 'cheap.$': '$..book[?(@.price < $.expensive)].title' }, { cheap: ['Sayings of the Century', 'Moby Dick'] }],
    ['a bracket after a dot', { 'cards.$': "$.store.['gift cards'].count" }, { cards: 3 }],
    ['in and a function', { 'fiction.$': "$.store.book[?(@.category in ['fiction'])].title", 'n.$': '$.store.book.length()' }, { fiction: ['Sword of Honour', 'Moby Dick'], n: 3 }],
  ])('runs %s', async (_name, parameters, expected) => {
    // Prepare
    const env = testEngine();
    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: parameters, End: true } } };

    // Act
    const { outcome } = await env.run(definition, store);

    // Assess
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: expected });
  });

  it('chooses with a Choice Variable whose filter compares with the root', async () => {
    // Prepare
    const env = testEngine();
    const definition = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.store.book[?(@.price > $.expensive)].title', IsPresent: true, Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Succeed' },
        No: { Type: 'Fail' },
      },
    };

    // Act
    const { outcome } = await env.run(definition, store);

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
  });
});

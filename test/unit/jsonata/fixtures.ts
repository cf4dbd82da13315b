/** Shared fakes for the JSONata tests: a counting id source, a fixed random source and clock. */
import type { JsonValue } from '../../../engine/json.ts';
import type { JsonataBindings, JsonataEnv } from '../../../engine/query/jsonata/index.ts';

export const FIXED_NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 6);

/** An env whose n-th `$uuid()` is `uuid-n` and whose `$random()` walks 0.1, 0.2, ... */
export function fakeEnv(): JsonataEnv & { uuidCalls: number } {
  const env = {
    uuidCalls: 0,
    uuid(): string {
      env.uuidCalls += 1;
      return `uuid-${env.uuidCalls}`;
    },
    randomCalls: 0,
    random(): number {
      env.randomCalls += 1;
      return env.randomCalls / 10;
    },
    now(): number {
      return FIXED_NOW;
    },
  };
  return env;
}

export function bindings(input: JsonValue = {}, variables: Record<string, JsonValue> = {}, extra: Partial<JsonataBindings['states']> = {}): JsonataBindings {
  return { states: { input, context: { Execution: { Name: 'exec' }, State: { Name: 'State0' } }, ...extra }, variables };
}

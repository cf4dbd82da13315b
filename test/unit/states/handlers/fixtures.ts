/** A state's context on plain data: a state 'S' entered at event #2, at a fixed `now`. */
import type { QueryLanguage, State } from '../../../../engine/definition/types.ts';
import type { StateContext } from '../../../../engine/states/index.ts';
import { plainContext } from '../../dataflow/fixtures.ts';

export { PREFIX } from '../../dataflow/fixtures.ts';

/** 2026-01-01T00:00:00Z */
export const NOW = Date.UTC(2026, 0, 1);

export const QUERY_LANGUAGES: QueryLanguage[] = ['JSONPath', 'JSONata'];

export function stateContext(queryLanguage: QueryLanguage, over: Partial<StateContext> = {}): StateContext {
  return { ...plainContext(), queryLanguage, now: () => NOW, ...over };
}

/** A state of any type from its fields, as a definition holds it. */
export function state<S extends State>(fields: Record<string, unknown>): S {
  return fields as unknown as S;
}

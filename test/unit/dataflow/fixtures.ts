/** A dataflow context on plain data: a state 'S' entered at event #2, ids and random numbers counted. */
import type { JsonObject } from '../../../engine/json.ts';
import type { DataflowContext } from '../../../engine/dataflow/index.ts';

export const PREFIX = "An error occurred while executing the state 'S' (entered at the event id #2).";

export function plainContext(over: Partial<DataflowContext> = {}): DataflowContext {
  let ids = 0;
  return {
    stateName: 'S',
    enteredEventId: 2,
    context: { Execution: { Name: 'run-1' }, State: { Name: 'S' } } as JsonObject,
    variables: { limit: 3 },
    uuid: () => `uuid-${++ids}`,
    random: () => 0.5,
    now: () => Date.UTC(2026, 0, 1),
    ...over,
  };
}

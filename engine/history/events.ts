/**
 * History events in the exact shape GetExecutionHistory returns: `id`, `previousEventId`,
 * `timestamp`, `type` and one `*EventDetails` object whose payloads are JSON text.
 */
import type { JsonValue } from '../json.ts';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** epoch milliseconds; the API renders it */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** Where the texts of payloads that passed through unchanged are kept, so history shows them as the client sent them. */
const originalText = new WeakMap<object, string>();

/** Remembers the text a client sent for a parsed object or array. */
export function rememberText(value: JsonValue, text: string): void {
  if (value !== null && typeof value === 'object') originalText.set(value, text);
}

/** A payload as history shows it: JSON text, the client's own text where the value is unchanged. */
export function payloadText(value: JsonValue | undefined): string {
  if (value === undefined) return 'null';
  if (value !== null && typeof value === 'object') {
    const t = originalText.get(value);
    if (t !== undefined) return t;
  }
  return JSON.stringify(value);
}

/** The text a client sent for this very object or array, if it did. */
export function rememberedText(value: JsonValue | undefined): string | undefined {
  return value !== null && typeof value === 'object' ? originalText.get(value) : undefined;
}

export function payload(key: 'input' | 'output', value: JsonValue | undefined): Record<string, unknown> {
  const text = payloadText(value);
  return key === 'input' ? { input: text, inputDetails: { truncated: false } } : { output: text, outputDetails: { truncated: false } };
}

/** The `*EventDetails` key of each event type that carries one. */
export function detailsKey(type: string): string {
  return type.charAt(0).toLowerCase() + type.slice(1) + 'EventDetails';
}

/** `PassStateEntered` → `stateEnteredEventDetails` and the like share one details key. */
export function stateEventDetailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return detailsKey(type);
}

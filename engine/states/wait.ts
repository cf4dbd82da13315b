/** Wait: when the wait ends. Pure: `now` comes in as an argument. */
import { parseTimestamp as parseTimestampNs } from './choice-rules.ts';

/**
 * Epoch ms of a timestamp as AWS reads Timestamp and TimestampPath (the same ISO-8601 offset
 * date-time parser as Choice rules), or undefined when the text is not one.
 */
export function parseTimestamp(text: string): number | undefined {
  const ns = parseTimestampNs(text);
  return ns === undefined ? undefined : Number(ns / 1_000_000n);
}

/** Wait: when the wait ends. Pure: `now` comes in as an argument. */
import { MAX_SECONDS } from '../definition/validate/values.ts';
import { parseTimestamp as parseTimestampNs } from './choice-rules.ts';

/**
 * The latest instant a wait can end at: the limit of a JavaScript Date (and of the store's
 * integers). A wait past it ends there instead, which is as good as never: AWS ends a Standard
 * execution after one year whatever it waits for.
 */
export const LATEST_WAIT_END_MS = 8_640_000_000_000_000;

/**
 * Epoch ms of a timestamp as AWS reads Timestamp and TimestampPath (the same ISO-8601 offset
 * date-time parser as Choice rules), or undefined when the text is not one. Fractions of a second
 * are dropped: "if you specify the wait time as a timestamp, Step Functions considers the time
 * value up to seconds and truncates milliseconds" (Step Functions developer guide, Wait state).
 */
export function parseTimestamp(text: string): number | undefined {
  const ns = parseTimestampNs(text);
  if (ns === undefined) return undefined;
  const seconds = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  return Math.min(Number(seconds) * 1000, LATEST_WAIT_END_MS);
}

/** When a wait of `seconds` that begins at `now` ends. */
export function waitEnd(now: number, seconds: number): number {
  return Math.min(now + seconds * 1000, LATEST_WAIT_END_MS);
}

/**
 * Whether a SecondsPath value is one AWS reads as a number of seconds: an integer a Java long
 * holds (the recorded cause for 1.5 is "cannot be parsed as a long value").
 */
export function isLongSeconds(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63;
}

/**
 * Whether a JSONata Seconds result is a valid wait: "an integer value from 0 up to 99999999 ...
 * a JSONata expression that must evaluate to an integer within the stated range" (Step Functions
 * developer guide, Wait state).
 */
export function isWaitSeconds(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SECONDS;
}

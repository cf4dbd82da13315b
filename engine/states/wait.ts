/** Wait: when the wait ends. Pure: `now` comes in as an argument. */
import { RuntimeError } from '../errors.ts';
import type { JsonValue } from '../json.ts';

/** RFC 3339 date-time, as AWS accepts it in Timestamp fields. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an RFC 3339 timestamp, or undefined when the text is not one. */
export function parseTimestamp(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return undefined;
  return ms;
}

/** The end of a Wait given seconds from a path or expression. */
export function waitSecondsUntil(now: number, seconds: JsonValue, pathForError: string): number {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    throw new RuntimeError(`The SecondsPath parameter does not reference a valid integer value: ${JSON.stringify(seconds)}`);
  }
  void pathForError;
  return now + seconds * 1000;
}

/**
 * History as the store keeps it: consecutive events of one execution encoded as one compact chunk
 * (a `history` row) and decoded back to objects equal to the events. Pure functions, no SQL: the
 * engine encodes a commit's events before it hands them over, so that a commit cannot fail on an
 * event's shape.
 */
import type { HistoryEvent } from '../history/events.ts';

/** A chunk is split once its payload texts pass about this many characters, so that no row grows without bound. */
const CHUNK_CHARS = 4 * 1024 * 1024;

/** Consecutive events of one execution as one `history` row. */
export interface HistoryChunk {
  first: number;
  last: number;
  body: string;
}

type Row = [type: string, back: number, timestamp: number | null, ...details: unknown[]];

/**
 * Consecutive events as chunks. A chunk's body is a JSON array with one array per event, whose
 * first three elements are `type`, `id - previousEventId` and `timestamp` (null when equal to the
 * one before); the id of the n-th event is `first + n`. Then either:
 * - nothing, when the event has no other field;
 * - two strings: a state's entered or exited details in the usual shape, as `name, payload text`;
 * - a number and a string: a Map iteration's details, as `index, name`;
 * - an object of the other fields, in their order.
 * Decoding gives back objects equal to the events, keys in the same order. The rows are built as
 * arrays and written by one JSON.stringify, which is much faster than joining strings.
 */
export function encodeChunks(events: readonly HistoryEvent[]): HistoryChunk[] {
  const chunks: HistoryChunk[] = [];
  let rows: Row[] = [];
  let chars = 0;
  let first = 0;
  let prevTs: number | undefined;
  const flush = () => {
    if (rows.length === 0) return;
    chunks.push({ first, last: first + rows.length - 1, body: JSON.stringify(rows) });
    rows = [];
    chars = 0;
  };
  for (const ev of events) {
    if (rows.length > 0 && (ev.id !== first + rows.length || chars > CHUNK_CHARS)) flush();
    if (rows.length === 0) {
      first = ev.id;
      prevTs = undefined;
    }
    const ts = ev.timestamp === prevTs ? null : ev.timestamp;
    prevTs = ev.timestamp;
    const row: Row = [ev.type, ev.id - ev.previousEventId, ts];
    chars += 32 + encodeDetails(ev, row);
    rows.push(row);
  }
  flush();
  return chunks;
}

/** Appends the event's other fields to `row`; returns about how many characters they take. */
function encodeDetails(ev: HistoryEvent, row: Row): number {
  let count = 0;
  let only = '';
  for (const k in ev) {
    if (k === 'timestamp' || k === 'type' || k === 'id' || k === 'previousEventId' || ev[k] === undefined) continue;
    count++;
    only = k;
  }
  if (count === 0) return 0;
  if (count === 1) {
    const d = ev[only];
    if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
      const shape = SHAPES[only];
      if (shape !== undefined && shape.type(ev.type)) {
        const values = shape.values(d as Record<string, unknown>);
        if (values !== undefined) {
          row.push(values[0], values[1]);
          return typeof values[1] === 'string' ? values[1].length : 0;
        }
      }
    }
  }
  const rest: Record<string, unknown> = {};
  let chars = 0;
  for (const k in ev) {
    if (k === 'timestamp' || k === 'type' || k === 'id' || k === 'previousEventId') continue;
    const v = ev[k];
    rest[k] = v;
    chars += roughLength(v, 2);
  }
  row.push(rest);
  return chars;
}

/** The length of the strings in a value, to a depth. */
function roughLength(v: unknown, depth: number): number {
  if (typeof v === 'string') return v.length;
  if (v === null || typeof v !== 'object' || depth === 0) return 8;
  let n = 0;
  for (const x of Object.values(v)) n += roughLength(x, depth - 1);
  return n;
}

/** True when `d` has exactly these keys, in this order. */
function hasKeys(d: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in d) {
    if (k !== keys[i++]) return false;
  }
  return i === keys.length;
}

function isNotTruncated(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as { truncated?: unknown }).truncated === false && hasKeys(v as Record<string, unknown>, ['truncated']);
}

/** The details of the commonest events, stored as two values instead of an object. */
const SHAPES: Record<string, { type: (t: string) => boolean; values: (d: Record<string, unknown>) => [unknown, unknown] | undefined }> = {
  stateEnteredEventDetails: {
    type: (t) => t.endsWith('StateEntered'),
    values: (d) => (hasKeys(d, ['name', 'input', 'inputDetails']) && typeof d.name === 'string' && typeof d.input === 'string' && isNotTruncated(d.inputDetails) ? [d.name, d.input] : undefined),
  },
  stateExitedEventDetails: {
    type: (t) => t.endsWith('StateExited'),
    values: (d) => (hasKeys(d, ['name', 'output', 'outputDetails']) && typeof d.name === 'string' && typeof d.output === 'string' && isNotTruncated(d.outputDetails) ? [d.name, d.output] : undefined),
  },
  ...Object.fromEntries(['Started', 'Succeeded', 'Failed', 'Aborted'].map((what) => [`mapIteration${what}EventDetails`, {
    type: (t: string) => t === `MapIteration${what}`,
    values: (d: Record<string, unknown>) => (hasKeys(d, ['index', 'name']) && typeof d.index === 'number' && typeof d.name === 'string' ? [d.index, d.name] as [unknown, unknown] : undefined),
  }])),
};

/** Appends the events of one chunk to `out`. */
export function decodeChunk(first: number, body: string, out: HistoryEvent[]): void {
  const rows = JSON.parse(body) as Row[];
  let timestamp = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const type = row[0];
    if (row[2] !== null) timestamp = row[2];
    const id = first + i;
    const ev: HistoryEvent = { timestamp, type, id, previousEventId: id - row[1] };
    if (row.length === 5) {
      if (typeof row[3] === 'number') ev[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`] = { index: row[3], name: row[4] };
      else if (type.endsWith('StateEntered')) ev.stateEnteredEventDetails = { name: row[3], input: row[4], inputDetails: { truncated: false } };
      else ev.stateExitedEventDetails = { name: row[3], output: row[4], outputDetails: { truncated: false } };
    } else if (row.length === 4) Object.assign(ev, row[3]);
    out.push(ev);
  }
}

/**
 * How a snapshot holds a Map phase: the items and the input are written once as a snapshot part
 * (`<part>:base`), and each commit appends the items whose status changed since the one before
 * (`<part>:<n>`, `[index, status, result?][]`), so a commit costs what changed, not the whole
 * phase. After MAX_MAP_LOGS logs, a new part's base holds every item's status and result, so a
 * resume reads a bounded number of logs.
 */
import type { JsonValue } from '../json.ts';
import { SparseMap, type ItemStatus, type MapPhase } from './frames.ts';

/** Logs a Map phase may append before a commit rewrites its base with every item's state. */
const MAX_MAP_LOGS = 64;

/** A Map phase as a snapshot holds it. */
export interface StoredMapPhase extends Omit<MapPhase, 'items' | 'input' | 'results' | 'status'> {
  part: string;
  logs: number;
}

/** Snapshot parts to write with a snapshot. */
export type SnapshotParts = { key: string; body: string }[];

/** What a Map phase has written of itself so far. */
interface MapSaves {
  part: string;
  base: boolean;
  logs: number;
  /** items changed since the last snapshot */
  dirty: Set<number>;
}

/** The snapshot parts of one execution's Map phases. */
export class MapParts {
  private readonly saves = new SparseMap<MapPhase, MapSaves>();
  /** the number of parts named so far: part names are never reused within an execution */
  named: number;

  constructor(named = 0) {
    this.named = named;
  }

  /** Sets an item's status (and result), and notes it for the next snapshot. */
  setItem(phase: MapPhase, index: number, status: ItemStatus, result?: JsonValue): void {
    phase.status[index] = status;
    if (result !== undefined || status === 'ok') phase.results[index] = result as JsonValue;
    this.of(phase).dirty.add(index);
  }

  /** The phase as the snapshot holds it; the parts it needs written go to `parts`, the ones it replaces to `dropped`. */
  store(phase: MapPhase, parts: SnapshotParts, dropped: string[]): StoredMapPhase {
    const saves = this.of(phase);
    if (saves.base && saves.logs >= MAX_MAP_LOGS && saves.dirty.size > 0) {
      // compact: a new base with every item's status and result replaces the base and its logs
      dropped.push(saves.part);
      saves.part = `m${this.named++}`;
      saves.logs = 0;
      parts.push({ key: `${saves.part}:base`, body: JSON.stringify({ items: phase.items, input: phase.input, status: phase.status, results: phase.results }) });
      saves.dirty.clear();
    }
    if (!saves.base) {
      parts.push({ key: `${saves.part}:base`, body: JSON.stringify({ items: phase.items, input: phase.input }) });
      saves.base = true;
      // a base written now already holds every item as it is: nothing to log before it
      for (const i of saves.dirty) {
        if (phase.status[i] === 'pending') saves.dirty.delete(i);
      }
    }
    if (saves.dirty.size > 0) {
      const log: unknown[] = [];
      // a failed item has a result only as a ResultWriter's record
      for (const i of saves.dirty) log.push(phase.status[i] === 'ok' || (phase.status[i] === 'failed' && phase.results[i] != null) ? [i, phase.status[i], phase.results[i]] : [i, phase.status[i]]);
      parts.push({ key: `${saves.part}:${saves.logs++}`, body: JSON.stringify(log) });
      saves.dirty.clear();
    }
    const { items: _items, input: _input, results: _results, status: _status, ...rest } = phase;
    return { ...rest, part: saves.part, logs: saves.logs };
  }

  /** Forgets the phases not in `live` (their Map ended); the parts they wrote go to `dropped`. */
  sweep(live: ReadonlySet<MapPhase>, dropped: string[]): void {
    for (const [phase, saves] of this.saves) {
      if (live.has(phase)) continue;
      this.saves.delete(phase);
      if (saves.base) dropped.push(saves.part);
    }
  }

  /** The phase a snapshot held, from its base and its logs. */
  restore(stored: StoredMapPhase, parts: Map<string, string>): MapPhase {
    const { part, logs, ...rest } = stored;
    const base = JSON.parse(parts.get(`${part}:base`) ?? 'null') as { items: JsonValue[]; input: JsonValue; status?: ItemStatus[]; results?: (JsonValue | null)[] } | null;
    if (!base) throw new Error(`snapshot part ${part}:base is missing`);
    const phase: MapPhase = {
      ...rest, items: base.items, input: base.input,
      results: base.results ?? base.items.map(() => null), status: base.status ?? base.items.map((): ItemStatus => 'pending'),
    };
    for (let n = 0; n < logs; n++) {
      const log = JSON.parse(parts.get(`${part}:${n}`) ?? 'null') as ([number, ItemStatus] | [number, ItemStatus, JsonValue])[] | null;
      if (!log) throw new Error(`snapshot part ${part}:${n} is missing`);
      for (const entry of log) {
        phase.status[entry[0]] = entry[1];
        if (entry.length === 3) phase.results[entry[0]] = entry[2];
      }
    }
    this.saves.set(phase, { part, base: true, logs, dirty: new Set() });
    return phase;
  }

  private of(phase: MapPhase): MapSaves {
    let saves = this.saves.get(phase);
    if (!saves) {
      saves = { part: `m${this.named++}`, base: false, logs: 0, dirty: new Set() };
      this.saves.set(phase, saves);
    }
    return saves;
  }
}

/**
 * Collecting coverage during a test run, kept cheap: an environment hands its engine to
 * {@link collectEngine} once, at teardown; the executions' histories, stripped of their payloads,
 * go to one file per call under the coverage folder, and the computing waits for the end of the
 * run ({@link readCoverage}).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Engine } from '../engine.ts';
import type { HistoryEvent } from '../history/events.ts';
import type { StateMachineDefinition } from '../definition/types.ts';
import { addHistory, emptyCoverage, structureHash, type DefinitionCoverage } from './compute.ts';

/** The executions of one definition that one environment ran. */
export interface CoverageRecord {
  name: string;
  hash: string;
  /** the definition's text, as the engine ran it */
  definition: string;
  histories: HistoryEvent[][];
}

/** The folder coverage goes to: LONGHAUL_COVERAGE_DIR, else coverage/longhaul under the working directory. */
export function coverageDir(): string {
  return resolve(process.env.LONGHAUL_COVERAGE_DIR ?? 'coverage/longhaul');
}

/** The detail members coverage reads; payloads (most of a history's size) are dropped. */
const KEPT = ['name', 'error', 'index'] as const;

/** An event with only what coverage reads: ids, type, and the state name, error or index of its details. */
export function compactEvent(e: HistoryEvent): HistoryEvent {
  const key = Object.keys(e).find((k) => k.endsWith('EventDetails'));
  const out: HistoryEvent = { id: e.id, previousEventId: e.previousEventId, timestamp: e.timestamp, type: e.type };
  if (key) {
    const details = e[key] as Record<string, unknown>;
    const kept: Record<string, unknown> = {};
    for (const k of KEPT) if (details[k] !== undefined) kept[k] = details[k];
    out[key] = kept;
  }
  return out;
}

/**
 * Every execution an engine holds (Distributed Map children with their parent's definition), as
 * records grouped by state machine name and definition hash.
 */
export function recordsOf(engine: Engine): CoverageRecord[] {
  const byKey = new Map<string, CoverageRecord>();
  for (const row of engine.listExecutions({ limit: 100000 })) {
    const meta = JSON.parse(row.meta) as { stateMachineName?: string };
    const name = meta.stateMachineName ?? row.stateMachineArn.split(':').pop()!;
    const key = `${name}\n${row.definitionHash}`;
    let record = byKey.get(key);
    if (!record) {
      const definition = engine.describeStateMachineForExecution(row.arn).definition;
      if (!definition) continue;
      record = { name, hash: row.definitionHash, definition, histories: [] };
      byKey.set(key, record);
    }
    record.histories.push(engine.history(row.arn).map(compactEvent));
  }
  return [...byKey.values()];
}

/**
 * Writes the coverage records of an engine's executions to `<dir>/raw/`, one file per call (named
 * after the jest worker's pid, then the first free number). Call it before closing the engine.
 *
 * @example
 * afterAll(() => { collectEngine(env.engine); env.teardown(); });
 */
export function collectEngine(engine: Engine, dir: string = coverageDir()): void {
  let records: CoverageRecord[];
  try {
    records = recordsOf(engine);
  } catch (e) {
    // an engine a test halted or closed has nothing to give: coverage must not fail the test file
    process.stderr.write(`longhaul coverage: an environment's executions were not collected (${e instanceof Error ? e.message : String(e)})\n`);
    return;
  }
  if (records.length === 0) return;
  const raw = join(dir, 'raw');
  mkdirSync(raw, { recursive: true });
  // jest gives each test file fresh modules in the same worker: a counter in module scope would restart and overwrite
  let n = 1;
  while (existsSync(join(raw, `${process.pid}-${n}.json`))) n++;
  writeFileSync(join(raw, `${process.pid}-${n}.json`), JSON.stringify(records));
}

/** Forgets the records of an earlier run. */
export function clearCoverage(dir: string = coverageDir()): void {
  rmSync(join(dir, 'raw'), { recursive: true, force: true });
}

/** A definition's coverage with the definition it was computed against. */
export interface CollectedCoverage {
  coverage: DefinitionCoverage;
  definition: StateMachineDefinition;
  text: string;
}

/**
 * Merges records (from any number of files) into one coverage per state machine name and
 * definition {@link structureHash}, sorted by name.
 */
export function mergeRecords(records: readonly CoverageRecord[]): CollectedCoverage[] {
  const byKey = new Map<string, CollectedCoverage>();
  for (const r of records) {
    const definition = JSON.parse(r.definition) as StateMachineDefinition;
    const hash = structureHash(definition);
    const key = `${r.name}\n${hash}`;
    let c = byKey.get(key);
    if (!c) {
      c = { coverage: emptyCoverage(r.name, hash, definition), definition, text: r.definition };
      byKey.set(key, c);
    }
    for (const h of r.histories) addHistory(c.coverage, c.definition, h);
  }
  return [...byKey.values()].sort((a, b) => a.coverage.name.localeCompare(b.coverage.name) || a.coverage.hash.localeCompare(b.coverage.hash));
}

/** The records every environment of the run wrote under `<dir>/raw/`, merged. */
export function readCoverage(dir: string = coverageDir()): CollectedCoverage[] {
  const raw = join(dir, 'raw');
  let files: string[];
  try {
    files = readdirSync(raw).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return mergeRecords(files.flatMap((f) => JSON.parse(readFileSync(join(raw, f), 'utf8')) as CoverageRecord[]));
}

/**
 * The store's format: the tables, the version it carries (`PRAGMA user_version`), and the upgrade
 * of a file written by an older Longhaul, or the refusal of one written by a newer. Apart from the
 * statements so that a format change is read, and reviewed, in one place: a folder is upgraded on
 * open or refused with a message that says what to do, never misread.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { HistoryEvent } from '../history/events.ts';
import { StoreError } from './errors.ts';
import { encodeChunks } from './history-chunks.ts';

/**
 * `PRAGMA user_version` of the schema below. Version 0 kept one row per event keyed by ARN text;
 * version 1 had no snapshot parts; version 2 had no `timers` table (every running execution was
 * resident) and wrote only answered task tokens; version 3 had no `active_executions` table (a
 * restart found the executions to resume by scanning every running one); version 4 had no
 * activities, versions or aliases; version 5 had no `map_runs` table (MAP_RUNS_SCHEMA).
 */
export const SCHEMA_VERSION = 6;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS state_machines (
  arn TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
  type TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions (
  id INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  definition_hash TEXT NOT NULL, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
  start_ms INTEGER NOT NULL, stop_ms INTEGER, redrive_count INTEGER NOT NULL, redrive_ms INTEGER, meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_ms);
CREATE INDEX IF NOT EXISTS executions_running ON executions (status) WHERE status = 'RUNNING';
CREATE TABLE IF NOT EXISTS snapshots (execution_id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot_parts (
  execution_id INTEGER NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution_id, key)
);
CREATE TABLE IF NOT EXISTS history (
  execution_id INTEGER NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (execution_id, first_id)
);
CREATE TABLE IF NOT EXISTS task_tokens (
  token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, heartbeat_ms INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timers (execution_id INTEGER PRIMARY KEY, due_ms INTEGER);
CREATE INDEX IF NOT EXISTS timers_due ON timers (due_ms) WHERE due_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS active_executions (execution_id INTEGER PRIMARY KEY);
`;

/**
 * Step 5: activities and the tasks they hand out, state machine versions and aliases. Only new
 * tables: an older file gains them empty when it is opened.
 */
export const SCHEMA_V5 = `
CREATE TABLE IF NOT EXISTS activities (arn TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms INTEGER NOT NULL, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activity_tasks (
  token TEXT PRIMARY KEY, activity_arn TEXT NOT NULL, execution_arn TEXT NOT NULL, input TEXT NOT NULL,
  created_ms INTEGER NOT NULL, worker_name TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS activity_tasks_queued ON activity_tasks (activity_arn, created_ms) WHERE worker_name IS NULL;
CREATE TABLE IF NOT EXISTS state_machine_versions (
  arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
  type TEXT NOT NULL, created_ms INTEGER NOT NULL, meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_by_machine ON state_machine_versions (machine_arn, version);
CREATE TABLE IF NOT EXISTS state_machine_aliases (
  arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, meta TEXT NOT NULL
);
`;

/**
 * Fills `active_executions` from what it stands for: the RUNNING executions that do not rest (no
 * `timers` row). The store keeps it so at every write; a restart reads it instead of scanning
 * every running execution, so that its cost follows the work in flight, not the executions open.
 */
const REBUILD_ACTIVE = `DELETE FROM active_executions;
INSERT INTO active_executions (execution_id) SELECT e.id FROM executions e
  WHERE e.status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.execution_id = e.id);`;

/**
 * Step 6: a Distributed Map's Map Runs (DescribeMapRun, ListMapRuns), one row per run, its
 * counts as JSON. An older file gains the table on open (the upgrade runs every CREATE IF NOT EXISTS).
 */
export const MAP_RUNS_SCHEMA = `
CREATE TABLE IF NOT EXISTS map_runs (
  arn TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, status TEXT NOT NULL, start_ms INTEGER NOT NULL, stop_ms INTEGER,
  max_concurrency INTEGER NOT NULL, tolerated_failure_count INTEGER NOT NULL, tolerated_failure_percentage REAL NOT NULL,
  counts TEXT NOT NULL, redrive_count INTEGER NOT NULL, redrive_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS map_runs_by_execution ON map_runs (execution_arn, start_ms);
`;

export const EXEC_COLUMNS = `state_machine_arn, name, status, definition_hash, input, output, error, cause, start_ms, stop_ms,
  redrive_count, redrive_ms, meta`;

/** Creates the schema, or brings a file written by an older version up to it in one transaction. */
export function migrate(db: DatabaseSync, path: string): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `Cannot open the data store '${path}': it was written by a newer Longhaul (store format ${version}; this one reads formats up to ${SCHEMA_VERSION}). `
        + 'Run the newer Longhaul on it, or point this one at another data folder; the file is left as it is.',
      'SQLITE_NEWER_FORMAT', path,
    );
  }
  // version 1 lacks only tables that SCHEMA creates; version 0 is rebuilt
  const legacy = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'`).get() !== undefined;
  db.exec('BEGIN IMMEDIATE');
  try {
    if (legacy) {
      db.exec(`DROP INDEX IF EXISTS executions_by_machine; DROP INDEX IF EXISTS executions_running;
        ALTER TABLE executions RENAME TO executions_v0;`);
    }
    db.exec(SCHEMA);
    db.exec(SCHEMA_V5);
    db.exec(MAP_RUNS_SCHEMA);
    if (legacy) migrateV0(db);
    db.exec(REBUILD_ACTIVE);
    // before version 3 every running execution was resident: none rests, so a restart resumes them all,
    // and each rests again (with its tokens written) once it waits
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Version 0: the snapshot was a column of executions, and each event a row of `events` keyed by ARN. */
function migrateV0(db: DatabaseSync): void {
  db.exec(`INSERT INTO executions (arn, ${EXEC_COLUMNS}) SELECT arn, ${EXEC_COLUMNS} FROM executions_v0 ORDER BY start_ms, arn;
    INSERT INTO snapshots (execution_id, body) SELECT e.id, v.snapshot FROM executions e JOIN executions_v0 v ON v.arn = e.arn
      WHERE v.snapshot IS NOT NULL;`);
  const put = db.prepare('INSERT OR REPLACE INTO history (execution_id, first_id, last_id, body) VALUES (?, ?, ?, ?)');
  const ids = db.prepare('SELECT e.id, e.arn FROM executions e WHERE EXISTS (SELECT 1 FROM events v WHERE v.execution_arn = e.arn)');
  const rows = db.prepare('SELECT json FROM events WHERE execution_arn = ? ORDER BY id');
  for (const { id, arn } of ids.all() as { id: number; arn: string }[]) {
    const events = (rows.all(arn) as { json: string }[]).map((r) => JSON.parse(r.json) as HistoryEvent);
    for (const c of encodeChunks(events)) put.run(id, c.first, c.last, c.body);
  }
  db.exec('DROP TABLE events; DROP TABLE executions_v0;');
}

/**
 * The durable store: SQLite through node:sqlite, in WAL mode. The only code that knows SQL.
 *
 * The interpreter hands it one batch per commit (execution rows, snapshots, new history events,
 * task-token changes); a batch is one transaction, so a process killed at any moment leaves either
 * all of a batch or none of it.
 *
 * Executions have an integer key. A commit writes the history events it adds to an execution as
 * one `history` row (a chunk: first and last event id, and a compact JSON body), not one row per
 * event, and the resumable snapshot in a table of its own, so that a step does not rewrite the
 * execution's input.
 *
 * The format and its upgrades are in schema.ts, failures in errors.ts, the history chunk codec in
 * history-chunks.ts, the rows and their decoding in rows.ts; this file holds the statements. Their names are re-exported here,
 * so that the rest of the engine imports the store from one place.
 */
import { MapRunTable, type MapRunRow } from './map-runs.ts';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../history/events.ts';
import { storeError } from './errors.ts';
import { EXEC_COLUMNS, SCHEMA_VERSION, migrate } from './schema.ts';
import { decodeChunk, type HistoryChunk } from './history-chunks.ts';
import {
  ExecutionStatus, toActivityTask, toAlias, toExec, toSm, toVersion,
  type ActivityRow, type ActivityTaskRow, type AliasRow, type ExecutionRow, type StateMachineRow, type TokenRow, type TokenStatus, type VersionRow,
} from './rows.ts';

export { StoreError, storeError } from './errors.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { decodeChunk, encodeChunks, type HistoryChunk } from './history-chunks.ts';
export { ExecutionStatus } from './rows.ts';
export type { ActivityRow, ActivityTaskRow, AliasRow, ExecutionRow, StateMachineRow, TokenRow, TokenStatus, VersionRow } from './rows.ts';

/**
 * Parts of an execution's snapshot kept beside it (a Map's items, its results as they come), so
 * that a snapshot does not rewrite them. `drop` names groups of parts (by key prefix, up to ':')
 * no longer needed. All of an execution's parts go when its snapshot does.
 */
export interface SnapshotParts {
  executionArn: string;
  put: { key: string; body: string }[];
  drop: string[];
}

/** One commit's worth of changes. History comes encoded (encodeChunks), so that a commit cannot fail on an event's shape. */
export interface CommitBatch {
  executions: ExecutionRow[];
  events: { executionArn: string; chunks: HistoryChunk[] }[];
  tokens: TokenRow[];
  definitions: { hash: string; text: string }[];
  snapshotParts?: SnapshotParts[];
  /** tokens handed out: written OPEN unless a row exists (an answer already stored stays) */
  openTokens?: { token: string; executionArn: string }[];
  /** tokens no task waits on any more: their OPEN rows go (answered rows stay) */
  closedTokens?: string[];
  /** Distributed Maps' Map Runs that started, ended or changed */
  mapRuns?: MapRunRow[];
}

/**
 * An execution that rests in the store: every frame waits on a timer or a task token. `dueMs` is
 * its earliest wake-up (a Wait, a retry back-off, a task or heartbeat timeout, the execution's
 * TimeoutSeconds), null when only a token can wake it.
 */
export interface RestingRow {
  executionId: number;
  dueMs: number | null;
}

export function definitionHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const EXEC_SELECT = `SELECT e.*, s.body AS snapshot FROM executions e LEFT JOIN snapshots s ON s.execution_id = e.id`;

/**
 * @example
 * const store = new Store(':memory:');
 * store.commit({ executions: [row], events: [{ executionArn: row.arn, chunks: encodeChunks(newEvents) }], tokens: [], definitions: [] });
 */
export class Store {
  readonly db: DatabaseSync;
  readonly path: string;
  /** Distributed Maps' Map Runs */
  mapRuns!: MapRunTable;
  private readonly st: Record<string, StatementSync>;

  /**
   * Opens (or creates) the store and checks that it can be written: a file that cannot be opened
   * or written throws one StoreError naming the file and SQLite's reason, never a later failure.
   * `readOnly` opens the file as SQLite's read-only connection (which fails that check).
   */
  constructor(path: string, opts: { readOnly?: boolean } = {}) {
    this.path = path;
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path, { readOnly: opts.readOnly ?? false });
      this.db = db;
      this.st = this.open(path);
      this.mapRuns = new MapRunTable(db);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // the open error is the one to report
      }
      throw storeError(err, path, 'open');
    }
  }

  private open(path: string): Record<string, StatementSync> {
    if (path !== ':memory:') {
      this.db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode: a commit survives a killed process (not a power cut), which is the
      // durability the engine promises; FULL would fsync every commit.
      this.db.exec('PRAGMA synchronous = NORMAL');
      // checkpoint every 16 MiB of WAL instead of 4: a checkpoint runs inside a commit and syncs the
      // database file; fewer of them cost the same durability (a commit is durable once in the WAL)
      this.db.exec('PRAGMA wal_autocheckpoint = 4000');
    }
    this.db.exec('PRAGMA busy_timeout = 5000');
    migrate(this.db, this.path);
    // a write now, so that a read-only file or folder says so at start, not at the first commit
    this.db.exec(`INSERT INTO kv (key, value) VALUES ('schema', '${SCHEMA_VERSION}') ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    const p = (sql: string) => this.db.prepare(sql);
    return {
      putSm: p(`INSERT INTO state_machines (arn, name, definition, role_arn, type, created_ms, updated_ms, meta)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET definition = excluded.definition,
        role_arn = excluded.role_arn, updated_ms = excluded.updated_ms, meta = excluded.meta`),
      getSm: p('SELECT * FROM state_machines WHERE arn = ?'),
      listSm: p('SELECT * FROM state_machines ORDER BY created_ms, arn'),
      delSm: p('DELETE FROM state_machines WHERE arn = ?'),
      putDef: p('INSERT OR IGNORE INTO definitions (hash, text) VALUES (?, ?)'),
      getDef: p('SELECT text FROM definitions WHERE hash = ?'),
      insertExec: p(`INSERT INTO executions (arn, ${EXEC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(arn) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error,
        cause = excluded.cause, stop_ms = excluded.stop_ms, redrive_count = excluded.redrive_count,
        redrive_ms = excluded.redrive_ms, meta = excluded.meta RETURNING id`),
      // a row is rewritten whole, input included: skip the write when nothing changed
      updateExec: p(`UPDATE executions SET status = ?1, output = ?2, error = ?3, cause = ?4, stop_ms = ?5, redrive_count = ?6,
        redrive_ms = ?7, meta = ?8 WHERE id = ?9 AND (status IS NOT ?1 OR output IS NOT ?2 OR error IS NOT ?3 OR cause IS NOT ?4
        OR stop_ms IS NOT ?5 OR redrive_count IS NOT ?6 OR redrive_ms IS NOT ?7 OR meta IS NOT ?8)`),
      putSnapshot: p('INSERT OR REPLACE INTO snapshots (execution_id, body) VALUES (?, ?)'),
      delSnapshot: p('DELETE FROM snapshots WHERE execution_id = ?'),
      putPart: p('INSERT OR REPLACE INTO snapshot_parts (execution_id, key, body) VALUES (?, ?, ?)'),
      // keys of a group run from 'group:' up to 'group;' (';' follows ':')
      dropParts: p(`DELETE FROM snapshot_parts WHERE execution_id = ? AND key > ? || ':' AND key < ? || ';'`),
      delParts: p('DELETE FROM snapshot_parts WHERE execution_id = ?'),
      parts: p('SELECT key, body FROM snapshot_parts WHERE execution_id = ?'),
      getExec: p(`${EXEC_SELECT} WHERE e.arn = ?`),
      execId: p('SELECT id FROM executions WHERE arn = ?'),
      putChunk: p('INSERT OR REPLACE INTO history (execution_id, first_id, last_id, body) VALUES (?, ?, ?, ?)'),
      chunks: p('SELECT h.first_id, h.body FROM history h JOIN executions e ON e.id = h.execution_id WHERE e.arn = ? ORDER BY h.first_id'),
      eventCount: p(`SELECT coalesce(sum(h.last_id - h.first_id + 1), 0) AS n FROM history h JOIN executions e ON e.id = h.execution_id
        WHERE e.arn = ?`),
      putToken: p(`INSERT INTO task_tokens (token, execution_arn, status, outcome, heartbeat_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(token) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, heartbeat_ms = excluded.heartbeat_ms`),
      getToken: p('SELECT * FROM task_tokens WHERE token = ?'),
      openToken: p(`INSERT INTO task_tokens (token, execution_arn, status, outcome, heartbeat_ms) VALUES (?, ?, 'OPEN', NULL, NULL)
        ON CONFLICT(token) DO NOTHING`),
      closeToken: p(`DELETE FROM task_tokens WHERE token = ? AND status = 'OPEN'`),
      putTimer: p('INSERT OR REPLACE INTO timers (execution_id, due_ms) VALUES (?, ?)'),
      delTimer: p('DELETE FROM timers WHERE execution_id = ?'),
      putActive: p('INSERT OR IGNORE INTO active_executions (execution_id) VALUES (?)'),
      delActive: p('DELETE FROM active_executions WHERE execution_id = ?'),
      unrestActive: p(`INSERT OR IGNORE INTO active_executions (execution_id) SELECT id FROM executions WHERE id = ? AND status = 'RUNNING'`),
      // RUNNING executions that do not rest: they had work in flight at their last commit. CROSS JOIN
      // keeps SQLite reading from active_executions, so that the cost follows them, not the running ones
      active: p(`SELECT e.*, s.body AS snapshot FROM active_executions a CROSS JOIN executions e ON e.id = a.execution_id
        LEFT JOIN snapshots s ON s.execution_id = e.id WHERE e.status = 'RUNNING' ORDER BY e.start_ms`),
      dueWindow: p(`SELECT t.due_ms, e.arn FROM timers t JOIN executions e ON e.id = t.execution_id
        WHERE t.due_ms IS NOT NULL AND t.due_ms <= ? ORDER BY t.due_ms LIMIT ?`),
      nextDue: p('SELECT min(due_ms) AS due FROM timers WHERE due_ms IS NOT NULL AND due_ms > ?'),
      resting: p(`SELECT t.due_ms FROM timers t JOIN executions e ON e.id = t.execution_id WHERE e.arn = ?`),
      restingCount: p('SELECT count(*) AS n FROM timers'),
      putActivity: p('INSERT INTO activities (arn, name, created_ms, meta) VALUES (?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET meta = excluded.meta'),
      getActivity: p('SELECT * FROM activities WHERE arn = ?'),
      listActivities: p('SELECT * FROM activities ORDER BY created_ms, arn'),
      delActivity: p('DELETE FROM activities WHERE arn = ?'),
      queueActivityTask: p(`INSERT INTO activity_tasks (token, activity_arn, execution_arn, input, created_ms, worker_name)
        VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT(token) DO NOTHING`),
      // a task whose token no longer waits (answered, timed out, stopped) is handed to no worker
      nextActivityTask: p(`SELECT a.* FROM activity_tasks a JOIN task_tokens t ON t.token = a.token AND t.status = 'OPEN'
        WHERE a.activity_arn = ? AND a.worker_name IS NULL ORDER BY a.created_ms, a.token LIMIT 1`),
      // a task whose token no longer waits is over (answered, timed out, its execution ended)
      pruneActivityTasks: p(`DELETE FROM activity_tasks WHERE activity_arn = ? AND NOT EXISTS
        (SELECT 1 FROM task_tokens t WHERE t.token = activity_tasks.token AND t.status = 'OPEN')`),
      takeActivityTask: p('UPDATE activity_tasks SET worker_name = ? WHERE token = ? AND worker_name IS NULL'),
      getActivityTask: p('SELECT * FROM activity_tasks WHERE token = ?'),
      dropActivityTask: p('DELETE FROM activity_tasks WHERE token = ?'),
      putVersion: p(`INSERT INTO state_machine_versions (arn, machine_arn, version, definition, role_arn, type, created_ms, meta)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      getVersion: p('SELECT * FROM state_machine_versions WHERE arn = ?'),
      versions: p('SELECT * FROM state_machine_versions WHERE machine_arn = ? ORDER BY version DESC'),
      delVersion: p('DELETE FROM state_machine_versions WHERE arn = ?'),
      delVersions: p('DELETE FROM state_machine_versions WHERE machine_arn = ?'),
      putAlias: p(`INSERT INTO state_machine_aliases (arn, machine_arn, name, created_ms, updated_ms, meta) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(arn) DO UPDATE SET updated_ms = excluded.updated_ms, meta = excluded.meta`),
      getAlias: p('SELECT * FROM state_machine_aliases WHERE arn = ?'),
      aliases: p('SELECT * FROM state_machine_aliases WHERE machine_arn = ? ORDER BY created_ms, arn'),
      delAlias: p('DELETE FROM state_machine_aliases WHERE arn = ?'),
      delAliases: p('DELETE FROM state_machine_aliases WHERE machine_arn = ?'),
      getKv: p('SELECT value FROM kv WHERE key = ?'),
      putKv: p('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
  }

  /** Runs one autocommitted write; its failure is a StoreError. */
  private write(run: () => void): void {
    try {
      run();
    } catch (err) {
      throw storeError(err, this.path, 'write to');
    }
  }


  close(): void {
    this.db.close();
  }

  /** Writes a batch in one transaction, or none of it; a failure is a StoreError with SQLite's own reason. */
  commit(batch: CommitBatch): void {
    const ids = new Map<string, number>();
    this.transaction(() => {
      for (const d of batch.definitions) this.st.putDef.run(d.hash, d.text);
      for (const e of batch.executions) ids.set(e.arn, this.writeExecution(e));

      for (const { executionArn, chunks } of batch.events) {
        const id = ids.get(executionArn) ?? (this.st.execId.get(executionArn) as { id: number } | undefined)?.id;
        if (id === undefined) throw new Error(`history for an execution that was never written: ${executionArn}`);
        for (const c of chunks) this.st.putChunk.run(id, c.first, c.last, c.body);
      }
      for (const { executionArn, put, drop } of batch.snapshotParts ?? []) {
        const id = ids.get(executionArn) ?? (this.st.execId.get(executionArn) as { id: number } | undefined)?.id;
        if (id === undefined) throw new Error(`snapshot parts for an execution that was never written: ${executionArn}`);
        for (const group of drop) this.st.dropParts.run(id, group, group);
        for (const part of put) this.st.putPart.run(id, part.key, part.body);
      }
      for (const t of batch.openTokens ?? []) this.st.openToken.run(t.token, t.executionArn);
      for (const t of batch.tokens) this.st.putToken.run(t.token, t.executionArn, t.status, t.outcome, t.heartbeatMs);
      for (const t of batch.closedTokens ?? []) this.st.closeToken.run(t);
      for (const r of batch.mapRuns ?? []) this.mapRuns.write(r);
    });
    // only a committed insert's id is the row's for good
    for (const e of batch.executions) e.id ??= ids.get(e.arn);
  }

  /** Writes an execution's row and snapshot; returns its integer key. */
  private writeExecution(e: ExecutionRow): number {
    let id = e.id;
    /** the row is new or changed: it may have started running (a start, a redrive) */
    let changed = true;
    if (id === undefined) {
      const r = this.st.insertExec.get(
        e.arn, e.stateMachineArn, e.name, e.status, e.definitionHash, e.input, e.output, e.error, e.cause,
        e.startMs, e.stopMs, e.redriveCount, e.redriveMs, e.meta,
      ) as { id: number };
      id = Number(r.id);
    } else {
      changed = Number(this.st.updateExec.run(e.status, e.output, e.error, e.cause, e.stopMs, e.redriveCount, e.redriveMs, e.meta, id).changes) > 0;
    }
    // an execution that moved no longer rests: a restart resumes it until it rests again
    const rested = Number(this.st.delTimer.run(id).changes) > 0;
    // a running execution whose row neither changed nor rested is in active_executions already:
    // most commits are steps of one, and they need no statement more than before the table
    if (e.status !== ExecutionStatus.Running) this.st.delActive.run(id);
    else if (changed || rested) this.st.putActive.run(id);
    if (e.snapshot === null) {
      this.st.delSnapshot.run(id);
      this.st.delParts.run(id);
    } else this.st.putSnapshot.run(id, e.snapshot);
    return id;
  }

  putStateMachine(sm: StateMachineRow): void {
    this.write(() => this.st.putSm.run(sm.arn, sm.name, sm.definition, sm.roleArn, sm.type, sm.createdMs, sm.updatedMs, sm.meta));
  }

  getStateMachine(arn: string): StateMachineRow | undefined {
    const r = this.st.getSm.get(arn) as Record<string, unknown> | undefined;
    return r && toSm(r);
  }

  listStateMachines(): StateMachineRow[] {
    return (this.st.listSm.all() as Record<string, unknown>[]).map(toSm);
  }

  deleteStateMachine(arn: string): void {
    this.write(() => this.st.delSm.run(arn));
  }

  // ---- activities

  putActivity(a: ActivityRow): void {
    this.write(() => this.st.putActivity.run(a.arn, a.name, a.createdMs, a.meta));
  }

  getActivity(arn: string): ActivityRow | undefined {
    const r = this.st.getActivity.get(arn) as Record<string, unknown> | undefined;
    return r && { arn: r.arn as string, name: r.name as string, createdMs: Number(r.created_ms), meta: r.meta as string };
  }

  listActivities(): ActivityRow[] {
    return (this.st.listActivities.all() as Record<string, unknown>[]).map((r) => ({
      arn: r.arn as string, name: r.name as string, createdMs: Number(r.created_ms), meta: r.meta as string,
    }));
  }

  deleteActivity(arn: string): void {
    this.write(() => this.st.delActivity.run(arn));
  }

  /** Queues an activity task; queuing the same token again (a resumed task) changes nothing. */
  queueActivityTask(t: Omit<ActivityTaskRow, 'workerName'>): void {
    this.write(() => this.st.queueActivityTask.run(t.token, t.activityArn, t.executionArn, t.input, t.createdMs));
  }

  /**
   * The oldest task of `activityArn` no worker has taken and whose token still waits. The tasks
   * that are over go first: a task is queued only after its token is committed OPEN, so a task
   * without an OPEN token has ended.
   */
  nextActivityTask(activityArn: string): ActivityTaskRow | undefined {
    this.write(() => this.st.pruneActivityTasks.run(activityArn));
    const r = this.st.nextActivityTask.get(activityArn) as Record<string, unknown> | undefined;
    return r && toActivityTask(r);
  }

  /** Records the worker that took the task; false when another took it first. */
  takeActivityTask(token: string, workerName: string): boolean {
    let changed = 0;
    this.write(() => {
      changed = Number(this.st.takeActivityTask.run(workerName, token).changes);
    });
    return changed === 1;
  }

  getActivityTask(token: string): ActivityTaskRow | undefined {
    const r = this.st.getActivityTask.get(token) as Record<string, unknown> | undefined;
    return r && toActivityTask(r);
  }

  dropActivityTask(token: string): void {
    this.write(() => this.st.dropActivityTask.run(token));
  }

  // ---- state machine versions and aliases

  putVersion(v: VersionRow): void {
    this.write(() => this.st.putVersion.run(v.arn, v.machineArn, v.version, v.definition, v.roleArn, v.type, v.createdMs, v.meta));
  }

  getVersion(arn: string): VersionRow | undefined {
    const r = this.st.getVersion.get(arn) as Record<string, unknown> | undefined;
    return r && toVersion(r);
  }

  /** A machine's versions, newest first. */
  versions(machineArn: string): VersionRow[] {
    return (this.st.versions.all(machineArn) as Record<string, unknown>[]).map(toVersion);
  }

  deleteVersion(arn: string): void {
    this.write(() => this.st.delVersion.run(arn));
  }

  putAlias(a: AliasRow): void {
    this.write(() => this.st.putAlias.run(a.arn, a.machineArn, a.name, a.createdMs, a.updatedMs, a.meta));
  }

  getAlias(arn: string): AliasRow | undefined {
    const r = this.st.getAlias.get(arn) as Record<string, unknown> | undefined;
    return r && toAlias(r);
  }

  /** A machine's aliases, oldest first. */
  aliases(machineArn: string): AliasRow[] {
    return (this.st.aliases.all(machineArn) as Record<string, unknown>[]).map(toAlias);
  }

  deleteAlias(arn: string): void {
    this.write(() => this.st.delAlias.run(arn));
  }

  /** A deleted machine's versions and aliases go with it, as on AWS. */
  deleteVersionsAndAliases(machineArn: string): void {
    this.write(() => {
      this.st.delAliases.run(machineArn);
      this.st.delVersions.run(machineArn);
    });
  }

  getDefinition(hash: string): string | undefined {
    const r = this.st.getDef.get(hash) as { text: string } | undefined;
    return r?.text;
  }

  /** The snapshot parts of an execution, by key. */
  snapshotParts(executionId: number): Map<string, string> {
    return new Map((this.st.parts.all(executionId) as { key: string; body: string }[]).map((r) => [r.key, r.body]));
  }

  getExecution(arn: string): ExecutionRow | undefined {
    const r = this.st.getExec.get(arn) as Record<string, unknown> | undefined;
    return r && toExec(r);
  }

  /** Executions, newest first, with optional filters; `after` is the pagination cursor (exclusive). */
  listExecutions(filter: { stateMachineArn?: string; status?: string; limit?: number; after?: { startMs: number; arn: string } }): ExecutionRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.stateMachineArn) {
      where.push('e.state_machine_arn = ?');
      args.push(filter.stateMachineArn);
    }
    if (filter.status) {
      where.push('e.status = ?');
      args.push(filter.status);
    }
    if (filter.after) {
      where.push('(e.start_ms < ? OR (e.start_ms = ? AND e.arn < ?))');
      args.push(filter.after.startMs, filter.after.startMs, filter.after.arn);
    }
    const sql = `${EXEC_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY e.start_ms DESC, e.arn DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 1000, 100000))}`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(toExec);
  }

  events(executionArn: string): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    for (const r of this.st.chunks.all(executionArn) as { first_id: number; body: string }[]) decodeChunk(Number(r.first_id), r.body, out);
    return out;
  }

  eventCount(executionArn: string): number {
    return Number((this.st.eventCount.get(executionArn) as { n: number }).n);
  }

  getToken(token: string): TokenRow | undefined {
    const r = this.st.getToken.get(token) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      token: r.token as string,
      executionArn: r.execution_arn as string,
      status: r.status as TokenStatus,
      outcome: (r.outcome as string | null) ?? null,
      heartbeatMs: (r.heartbeat_ms as number | null) ?? null,
    };
  }

  /** Marks executions as resting in the store, in one transaction (their snapshots are committed already). */
  rest(rows: readonly RestingRow[]): void {
    this.transaction(() => {
      for (const r of rows) {
        this.st.putTimer.run(r.executionId, r.dueMs);
        this.st.delActive.run(r.executionId);
      }
    });
  }

  /**
   * Executions loaded from the store no longer rest there. Losing this write is harmless: the
   * execution's next commit clears its row too, and a restart before it loads the execution anyway.
   */
  unrest(executionIds: readonly number[]): void {
    this.transaction(() => {
      for (const id of executionIds) {
        this.st.delTimer.run(id);
        this.st.unrestActive.run(id);
      }
    });
  }

  /**
   * Runs `write` in one IMMEDIATE transaction, or none of it; a failure is a StoreError with
   * SQLite's own reason. SQLite rolls a transaction back by itself on some errors (SQLITE_FULL): a
   * ROLLBACK then fails with "no transaction is active", which must not hide the real error.
   */
  private transaction(write: () => void): void {
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw storeError(err, this.path, 'write to');
    }
    try {
      write();
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // the write's own error is the one to report
        }
      }
      throw storeError(err, this.path, 'write to');
    }
  }

  /** RUNNING executions that do not rest in the store: what a restart resumes at once. */
  activeExecutions(): ExecutionRow[] {
    return (this.st.active.all() as Record<string, unknown>[]).map(toExec);
  }

  /** Resting executions due at or before `untilMs`, earliest first, at most `limit`. */
  dueWindow(untilMs: number, limit: number): { dueMs: number; arn: string }[] {
    return (this.st.dueWindow.all(untilMs, limit) as { due_ms: number; arn: string }[]).map((r) => ({ dueMs: Number(r.due_ms), arn: r.arn }));
  }

  /** The earliest wake-up after `afterMs` among resting executions. */
  nextDue(afterMs: number): number | undefined {
    const r = this.st.nextDue.get(afterMs) as { due: number | null };
    return r.due == null ? undefined : Number(r.due);
  }

  /** Whether the execution rests in the store, and when it is due (null: only a token wakes it). */
  restingDue(arn: string): { dueMs: number | null } | undefined {
    const r = this.st.resting.get(arn) as { due_ms: number | null } | undefined;
    return r && { dueMs: r.due_ms == null ? null : Number(r.due_ms) };
  }

  /** How many executions rest in the store. */
  restingCount(): number {
    return Number((this.st.restingCount.get() as { n: number }).n);
  }

  getKv(key: string): string | undefined {
    return (this.st.getKv.get(key) as { value: string } | undefined)?.value;
  }

  putKv(key: string, value: string): void {
    this.write(() => this.st.putKv.run(key, value));
  }
}

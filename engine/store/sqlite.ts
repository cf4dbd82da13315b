/**
 * The durable store: SQLite through node:sqlite, in WAL mode. The only code that knows SQL.
 *
 * The interpreter hands it one batch per commit (execution rows, snapshots, new history events,
 * task-token changes); a batch is one transaction, so a process killed at any moment leaves either
 * all of a batch or none of it.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../history/events.ts';

export const ExecutionStatus = {
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Aborted: 'ABORTED',
  PendingRedrive: 'PENDING_REDRIVE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export interface StateMachineRow {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  createdMs: number;
  updatedMs: number;
  /** JSON text: tags, logging configuration, and the like */
  meta: string;
}

export interface ExecutionRow {
  arn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** hash of the definition text this execution runs (definitions table) */
  definitionHash: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  startMs: number;
  stopMs: number | null;
  redriveCount: number;
  redriveMs: number | null;
  /** the interpreter's resumable state, JSON text; null once the execution has ended */
  snapshot: string | null;
  /** JSON text: roleArn, type, trace header and other descriptive fields */
  meta: string;
}

export type TokenStatus = 'OPEN' | 'DONE';
export interface TokenRow {
  token: string;
  executionArn: string;
  status: TokenStatus;
  /** JSON text of the outcome once SendTaskSuccess/Failure arrived */
  outcome: string | null;
  heartbeatMs: number | null;
}

/** One commit's worth of changes. */
export interface CommitBatch {
  executions: ExecutionRow[];
  events: { executionArn: string; events: HistoryEvent[] }[];
  tokens: TokenRow[];
  definitions: { hash: string; text: string }[];
}

export function definitionHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state_machines (
  arn TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
  type TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS definitions (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executions (
  arn TEXT PRIMARY KEY, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  definition_hash TEXT NOT NULL, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT,
  start_ms INTEGER NOT NULL, stop_ms INTEGER, redrive_count INTEGER NOT NULL, redrive_ms INTEGER,
  snapshot TEXT, meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_ms);
CREATE INDEX IF NOT EXISTS executions_running ON executions (status) WHERE status = 'RUNNING';
CREATE TABLE IF NOT EXISTS events (
  execution_arn TEXT NOT NULL, id INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (execution_arn, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS task_tokens (
  token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, heartbeat_ms INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * @example
 * const store = new Store(':memory:');
 * store.commit({ executions: [row], events: [], tokens: [], definitions: [] });
 */
export class Store {
  readonly db: DatabaseSync;
  private readonly st: Record<string, StatementSync>;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    if (path !== ':memory:') {
      this.db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode: a commit survives a killed process (not a power cut), which is the
      // durability the engine promises; FULL would fsync every commit.
      this.db.exec('PRAGMA synchronous = NORMAL');
    }
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.st = {
      putSm: p(`INSERT INTO state_machines (arn, name, definition, role_arn, type, created_ms, updated_ms, meta)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET definition = excluded.definition,
        role_arn = excluded.role_arn, updated_ms = excluded.updated_ms, meta = excluded.meta`),
      getSm: p('SELECT * FROM state_machines WHERE arn = ?'),
      listSm: p('SELECT * FROM state_machines ORDER BY created_ms, arn'),
      delSm: p('DELETE FROM state_machines WHERE arn = ?'),
      putDef: p('INSERT OR IGNORE INTO definitions (hash, text) VALUES (?, ?)'),
      getDef: p('SELECT text FROM definitions WHERE hash = ?'),
      putExec: p(`INSERT INTO executions (arn, state_machine_arn, name, status, definition_hash, input, output, error,
        cause, start_ms, stop_ms, redrive_count, redrive_ms, snapshot, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(arn) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error,
        cause = excluded.cause, stop_ms = excluded.stop_ms, redrive_count = excluded.redrive_count,
        redrive_ms = excluded.redrive_ms, snapshot = excluded.snapshot, meta = excluded.meta`),
      getExec: p('SELECT * FROM executions WHERE arn = ?'),
      running: p(`SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY start_ms`),
      putEvent: p('INSERT OR REPLACE INTO events (execution_arn, id, json) VALUES (?, ?, ?)'),
      events: p('SELECT json FROM events WHERE execution_arn = ? ORDER BY id'),
      eventCount: p('SELECT count(*) AS n FROM events WHERE execution_arn = ?'),
      putToken: p(`INSERT INTO task_tokens (token, execution_arn, status, outcome, heartbeat_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(token) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, heartbeat_ms = excluded.heartbeat_ms`),
      getToken: p('SELECT * FROM task_tokens WHERE token = ?'),
      getKv: p('SELECT value FROM kv WHERE key = ?'),
      putKv: p('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
  }

  close(): void {
    this.db.close();
  }

  /** Writes a batch in one transaction. */
  commit(batch: CommitBatch): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const d of batch.definitions) this.st.putDef.run(d.hash, d.text);
      for (const e of batch.executions) this.writeExecution(e);
      for (const { executionArn, events } of batch.events) {
        for (const ev of events) this.st.putEvent.run(executionArn, ev.id, JSON.stringify(ev));
      }
      for (const t of batch.tokens) this.st.putToken.run(t.token, t.executionArn, t.status, t.outcome, t.heartbeatMs);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private writeExecution(e: ExecutionRow): void {
    this.st.putExec.run(
      e.arn, e.stateMachineArn, e.name, e.status, e.definitionHash, e.input, e.output, e.error, e.cause,
      e.startMs, e.stopMs, e.redriveCount, e.redriveMs, e.snapshot, e.meta,
    );
  }

  putStateMachine(sm: StateMachineRow): void {
    this.st.putSm.run(sm.arn, sm.name, sm.definition, sm.roleArn, sm.type, sm.createdMs, sm.updatedMs, sm.meta);
  }

  getStateMachine(arn: string): StateMachineRow | undefined {
    const r = this.st.getSm.get(arn) as Record<string, unknown> | undefined;
    return r && toSm(r);
  }

  listStateMachines(): StateMachineRow[] {
    return (this.st.listSm.all() as Record<string, unknown>[]).map(toSm);
  }

  deleteStateMachine(arn: string): void {
    this.st.delSm.run(arn);
  }

  getDefinition(hash: string): string | undefined {
    const r = this.st.getDef.get(hash) as { text: string } | undefined;
    return r?.text;
  }

  getExecution(arn: string): ExecutionRow | undefined {
    const r = this.st.getExec.get(arn) as Record<string, unknown> | undefined;
    return r && toExec(r);
  }

  runningExecutions(): ExecutionRow[] {
    return (this.st.running.all() as Record<string, unknown>[]).map(toExec);
  }

  /** Executions, newest first, with optional filters; `after` is the pagination cursor (exclusive). */
  listExecutions(filter: { stateMachineArn?: string; status?: string; limit?: number; after?: { startMs: number; arn: string } }): ExecutionRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.stateMachineArn) {
      where.push('state_machine_arn = ?');
      args.push(filter.stateMachineArn);
    }
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.after) {
      where.push('(start_ms < ? OR (start_ms = ? AND arn < ?))');
      args.push(filter.after.startMs, filter.after.startMs, filter.after.arn);
    }
    const sql = `SELECT * FROM executions ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY start_ms DESC, arn DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 1000, 100000))}`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(toExec);
  }

  events(executionArn: string): HistoryEvent[] {
    return (this.st.events.all(executionArn) as { json: string }[]).map((r) => JSON.parse(r.json) as HistoryEvent);
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

  getKv(key: string): string | undefined {
    return (this.st.getKv.get(key) as { value: string } | undefined)?.value;
  }

  putKv(key: string, value: string): void {
    this.st.putKv.run(key, value);
  }
}

function toSm(r: Record<string, unknown>): StateMachineRow {
  return {
    arn: r.arn as string,
    name: r.name as string,
    definition: r.definition as string,
    roleArn: r.role_arn as string,
    type: r.type as 'STANDARD' | 'EXPRESS',
    createdMs: Number(r.created_ms),
    updatedMs: Number(r.updated_ms),
    meta: r.meta as string,
  };
}

function toExec(r: Record<string, unknown>): ExecutionRow {
  return {
    arn: r.arn as string,
    stateMachineArn: r.state_machine_arn as string,
    name: r.name as string,
    status: r.status as ExecutionStatus,
    definitionHash: r.definition_hash as string,
    input: r.input as string,
    output: (r.output as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    cause: (r.cause as string | null) ?? null,
    startMs: Number(r.start_ms),
    stopMs: r.stop_ms == null ? null : Number(r.stop_ms),
    redriveCount: Number(r.redrive_count),
    redriveMs: r.redrive_ms == null ? null : Number(r.redrive_ms),
    snapshot: (r.snapshot as string | null) ?? null,
    meta: r.meta as string,
  };
}

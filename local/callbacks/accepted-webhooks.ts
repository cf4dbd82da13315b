/**
 * The webhook event ids the callback receiver has accepted, so that a replay is refused (409)
 * even after the receiver restarts: in a data folder they live in a small SQLite file,
 * `<dataDir>/accepted-webhooks.db`; without one, in an in-memory database (one code path).
 *
 * An id is recorded, durably (`synchronous=FULL`), before the receiver tells Step Functions, and
 * kept only while a replay of it could still pass the signature's timestamp check: once its
 * signed timestamp is more than the tolerance in the past, the stale-timestamp check refuses the
 * replay anyway and the id is deleted. So the file holds at most the ids of one tolerance window.
 *
 * Caveat: a process killed between recording an id and telling Step Functions leaves the id
 * recorded and the task untold; the sender's retry of that event is refused as a replay, and the
 * workflow's timeout and polling fallback recover, as for a lost webhook. Recording after telling
 * would instead let a replay through in that window.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The file in a data folder that holds the accepted ids. */
export const ACCEPTED_WEBHOOKS_FILE = 'accepted-webhooks.db';

export interface AcceptedWebhooksOptions {
  /** a data folder: ids survive restarts; absent: memory only */
  dataDir?: string;
  /** seconds a signed timestamp may be from the receiver's clock: how long an id is kept */
  toleranceSeconds: number;
}

/**
 * @example
 * const accepted = new AcceptedWebhooks({ dataDir: '.longhaul', toleranceSeconds: 300 });
 * if (!accepted.accept(event.id, signedAt, nowSeconds)) throw new EventReplayed(event.id);
 * accepted.close();
 */
export class AcceptedWebhooks {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly remove: StatementSync;
  private readonly pruneBefore: StatementSync;
  private readonly toleranceSeconds: number;

  constructor(opts: AcceptedWebhooksOptions) {
    this.toleranceSeconds = opts.toleranceSeconds;
    if (opts.dataDir !== undefined) mkdirSync(opts.dataDir, { recursive: true });
    this.db = new DatabaseSync(opts.dataDir === undefined ? ':memory:' : join(opts.dataDir, ACCEPTED_WEBHOOKS_FILE));
    // FULL: an id must be on disk before the webhook is acted on, or a power loss could let its replay through
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS accepted_webhooks (id TEXT PRIMARY KEY, signed_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS accepted_webhooks_signed_at ON accepted_webhooks (signed_at);
    `);
    this.insert = this.db.prepare('INSERT INTO accepted_webhooks (id, signed_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
    this.remove = this.db.prepare('DELETE FROM accepted_webhooks WHERE id = ?');
    this.pruneBefore = this.db.prepare('DELETE FROM accepted_webhooks WHERE signed_at < ?');
  }

  /**
   * Records `id`, signed at `signedAt` (unix seconds), and answers true; answers false when it was
   * already accepted. Forgets first the ids a replay could no longer use at `nowSeconds`.
   */
  accept(id: string, signedAt: number, nowSeconds: number): boolean {
    this.pruneBefore.run(nowSeconds - this.toleranceSeconds);
    return Number(this.insert.run(id, signedAt).changes) === 1;
  }

  /** Forgets `id`: its webhook was not acted on, so the sender's retry must be accepted. */
  release(id: string): void {
    this.remove.run(id);
  }

  /** How many ids are kept (for tests and diagnostics). */
  size(): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM accepted_webhooks').get() as { n: number | bigint }).n);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

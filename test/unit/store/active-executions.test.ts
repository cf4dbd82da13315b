/**
 * What a restart resumes at once: the RUNNING executions that do not rest in the store. The store
 * keeps them in a table of their own at every write, so that a restart reads them without going
 * through every running execution (a million resting ones cost it nothing).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ExecutionStatus, SCHEMA_VERSION, Store, type ExecutionRow } from '../../../engine/store/sqlite.ts';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) if (s.db.isOpen) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(path = ':memory:'): Store {
  const store = new Store(path);
  stores.push(store);
  return store;
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'longhaul-active-'));
  dirs.push(dir);
  return join(dir, 'longhaul.db');
}

function row(name: string, startMs: number, status: ExecutionStatus = ExecutionStatus.Running): ExecutionRow {
  return {
    arn: `${SM.replace(':stateMachine:', ':execution:')}:${name}`, stateMachineArn: SM, name, status, definitionHash: 'h', input: '{}',
    output: null, error: null, cause: null, startMs, stopMs: null, redriveCount: 0, redriveMs: null,
    snapshot: status === ExecutionStatus.Running ? `{"at":"${name}"}` : null, meta: '{}',
  };
}

/** Writes the rows; returns them with their ids. */
function write(store: Store, ...rows: ExecutionRow[]): ExecutionRow[] {
  store.commit({ executions: rows, events: [], tokens: [], definitions: [] });
  return rows;
}

const names = (store: Store) => store.activeExecutions().map((r) => r.name);

describe('the executions a restart resumes at once', () => {
  it('are the running ones that do not rest, oldest first, with their snapshots', () => {
    const store = open();
    const [a, b, c] = write(store, row('a', 1), row('b', 2), row('c', 3), row('done', 0, ExecutionStatus.Succeeded));

    store.rest([{ executionId: b.id!, dueMs: 60_000 }, { executionId: c.id!, dueMs: null }]);

    expect(names(store)).toEqual(['a']);
    expect(store.activeExecutions()[0].snapshot).toBe('{"at":"a"}');
    expect(a.id).toBeDefined();
  });

  it.each([
    ['loaded from the store', (store: Store, r: ExecutionRow) => store.unrest([r.id!])],
    ['committed again', (store: Store, r: ExecutionRow) => write(store, r)],
  ])('take back a resting execution once it is %s', (_how, wake) => {
    const store = open();
    const [a, b] = write(store, row('a', 1), row('b', 2));
    store.rest([{ executionId: a.id!, dueMs: 60_000 }, { executionId: b.id!, dueMs: 60_000 }]);

    wake(store, b);

    expect(names(store)).toEqual(['b']);
    expect(store.restingCount()).toBe(1);
  });

  it('leave out an execution once it ends, and one loaded from the store that had ended', () => {
    const store = open();
    const [a, b] = write(store, row('a', 1), row('b', 2));
    store.rest([{ executionId: b.id!, dueMs: 60_000 }]);

    write(store, { ...a, status: ExecutionStatus.Succeeded, output: '{}', stopMs: 5, snapshot: null });
    write(store, { ...b, status: ExecutionStatus.Aborted, stopMs: 5, snapshot: null });
    store.unrest([b.id!]);

    expect(names(store)).toEqual([]);
  });

  it('take back an ended execution that runs again (a redrive)', () => {
    const store = open();
    const [failed] = write(store, row('failed', 1, ExecutionStatus.Failed));

    write(store, { ...failed, status: ExecutionStatus.Running, redriveCount: 1, redriveMs: 9, snapshot: '{"at":"redriven"}' });

    expect(names(store)).toEqual(['failed']);
  });

  it('are found in a data folder of the previous format (3), upgraded on open', () => {
    // Prepare: a file as format 3 left it, without the table
    const database = tempDb();
    const first = open(database);
    const [, b] = write(first, row('a', 1), row('b', 2), row('done', 0, ExecutionStatus.Failed));
    first.rest([{ executionId: b.id!, dueMs: 60_000 }]);
    first.close();
    const db = new DatabaseSync(database);
    db.exec('DROP TABLE active_executions; PRAGMA user_version = 3');
    db.close();

    // Act
    const second = open(database);

    // Assess
    expect(names(second)).toEqual(['a']);
    expect(Number((second.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)).toBe(SCHEMA_VERSION);
  });
});

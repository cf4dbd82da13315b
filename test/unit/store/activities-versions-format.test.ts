/**
 * Store format 5 (activities, their tasks, state machine versions and aliases): a file of format 3
 * is upgraded in place when opened, keeping what it held.
 */
import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SCHEMA, SCHEMA_VERSION } from '../../../engine/store/schema.ts';
import { Store } from '../../../engine/store/sqlite.ts';

describe('a format-3 store', () => {
  it('gains the activity, version and alias tables when opened, keeping its state machines', () => {
    // Prepare: a file as Longhaul with format 3 left it
    const dir = mkdtempSync(join(tmpdir(), 'longhaul-format3-'));
    const path = join(dir, 'engine.db');
    try {
      const old = new DatabaseSync(path);
      old.exec(SCHEMA);
      old.exec(`INSERT INTO state_machines VALUES ('arn:aws:states:us-east-1:123456789012:stateMachine:m', 'm', '{}', 'r', 'STANDARD', 1, 1, '{}');
        PRAGMA user_version = 3;`);
      old.close();

      // Act
      const store = new Store(path);
      store.putActivity({ arn: 'arn:aws:states:us-east-1:123456789012:activity:a', name: 'a', createdMs: 2, meta: '{}' });
      const version = (store.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;

      // Assess
      expect(version).toBe(SCHEMA_VERSION);
      expect(store.listStateMachines().map((m) => m.name)).toEqual(['m']);
      expect(store.listActivities().map((a) => a.name)).toEqual(['a']);
      expect(store.versions('arn:aws:states:us-east-1:123456789012:stateMachine:m')).toEqual([]);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

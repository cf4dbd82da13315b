/**
 * One process per data folder. Two stacks on one folder would both resume the same executions and
 * run their steps twice, and interleave their histories; so the stack takes this lock before it
 * opens anything else in the folder, and a second process refuses in one line.
 *
 * The lock is SQLite's own: an EXCLUSIVE transaction held open on `<data>/lock.db` (locking_mode
 * EXCLUSIVE). It is an OS file lock, so the kernel releases it when the holder dies, however it
 * dies — a SIGKILLed `serve` never leaves a stale lock behind, and no PID check can be fooled by a
 * reused PID. Who holds it is written beside it in `lock.json`, only to name them in the message.
 */
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** What `lock.json` says of the process holding the folder. */
export interface LockHolder {
  pid: number;
  /** ISO time the lock was taken */
  since: string;
  /** the command line, to recognise the process */
  command: string;
}

/** Thrown when another process holds the data folder; its message is the one line to print. */
export class DataFolderLocked extends Error {
  readonly holder: LockHolder | undefined;
  constructor(folder: string, holder: LockHolder | undefined) {
    const who = holder ? `process ${holder.pid} (${holder.command}, since ${holder.since})` : 'another process';
    super(`The data folder ${folder} is in use by ${who}: stop it, or give this one another --data folder`);
    this.name = 'DataFolderLocked';
    this.holder = holder;
  }
}

/** Thrown when the data folder cannot be made or written; its message is the one line to print. */
export class DataFolderUnusable extends Error {
  constructor(folder: string, reason: string) {
    super(`The data folder ${folder} cannot be used: ${reason}. Give --data a folder this user can write`);
    this.name = 'DataFolderUnusable';
  }
}

export interface DataFolderLock {
  readonly folder: string;
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes the data folder for this process; throws {@link DataFolderLocked} when another one has it.
 *
 * @example
 * const lock = lockDataFolder('.longhaul');
 * try { ... } finally { lock.release(); }
 */
export function lockDataFolder(folder: string): DataFolderLock {
  const dir = resolve(folder);
  const holderFile = join(dir, 'lock.json');
  let db: DatabaseSync;
  try {
    mkdirSync(dir, { recursive: true });
    // SQLite says only "unable to open database file"; the file system says why
    accessSync(dir, constants.W_OK);
    db = new DatabaseSync(join(dir, 'lock.db'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DataFolderUnusable(dir, err.code ? `${err.code} (${err.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')})` : err.message);
  }
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { errcode?: number }).errcode === SQLITE_BUSY) throw new DataFolderLocked(dir, readHolder(holderFile));
    throw e;
  }
  const holder: LockHolder = { pid: process.pid, since: new Date().toISOString(), command: commandLine() };
  writeFileSync(holderFile, `${JSON.stringify(holder)}\n`);
  let released = false;
  return {
    folder: dir,
    release() {
      if (released) return;
      released = true;
      rmSync(holderFile, { force: true });
      db.close();
    },
  };
}

const SQLITE_BUSY = 5;

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    // the holder may be between taking the lock and writing its name
    return undefined;
  }
}

function commandLine(): string {
  const args = process.argv.slice(1).map((a) => a.replace(/^.*\/(cli|node_modules)\//, '$1/'));
  return args.join(' ').slice(0, 200);
}

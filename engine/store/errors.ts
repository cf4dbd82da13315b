/**
 * What the store's failures mean: SQLite's result codes turned into one StoreError that names the
 * file, SQLite's own reason and what it usually means, and whether the store refuses writes as a
 * whole (the engine pauses and retries) or only one batch's content (the engine isolates it).
 * Kept apart from the statements so that the engine can reason about failures without SQL.
 */
/**
 * The store could not be opened or written. `code` is SQLite's (`SQLITE_FULL`, `SQLITE_READONLY`,
 * `SQLITE_CANTOPEN`...); the message names the file, SQLite's own reason and what it usually means.
 */
export class StoreError extends Error {
  readonly code: string;
  readonly file: string;
  constructor(message: string, code: string, file: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.file = file;
  }

  /**
   * True when the store as a whole refuses writes (a full disk, a read-only or locked file): any
   * batch would fail, and a retry may succeed later. False when it refused what one batch holds
   * (a constraint, a row too big), which another batch need not meet.
   */
  get storeWide(): boolean {
    return STORE_WIDE.has(this.code);
  }
}

const STORE_WIDE = new Set([
  'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH',
  'SQLITE_NOMEM', 'SQLITE_CORRUPT', 'SQLITE_NOTADB',
]);

/** SQLite's primary result codes that a store meets in the field. */
const SQLITE_CODES: Record<number, string> = {
  3: 'SQLITE_PERM', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY', 10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT',
  23: 'SQLITE_AUTH', 26: 'SQLITE_NOTADB',
};

const HINTS: Record<string, string> = {
  SQLITE_FULL: 'the disk (or the database size limit) is full',
  SQLITE_READONLY: 'the file or its folder is read-only',
  SQLITE_CANTOPEN: 'the folder does not exist, or this user may not create files in it',
  SQLITE_PERM: 'permission denied',
  SQLITE_AUTH: 'permission denied',
  SQLITE_IOERR: 'the disk failed to read or write',
  SQLITE_BUSY: 'another process holds the database',
  SQLITE_LOCKED: 'another connection holds the database',
  SQLITE_NOTADB: 'the file is not a Longhaul database',
  SQLITE_CORRUPT: 'the file is damaged',
};

/** `err` (from node:sqlite, or anything else) as a StoreError that says what failed on which file. */
export function storeError(err: unknown, file: string, doing: 'open' | 'write to'): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { errcode?: unknown; errstr?: unknown; message?: unknown };
  const code = typeof e.errcode === 'number' ? (SQLITE_CODES[e.errcode & 0xff] ?? `SQLITE_ERROR_${e.errcode}`) : 'ERROR';
  // the message is SQLite's own text for this error (a trigger's, a constraint's); errstr the code's generic one
  const reason = typeof e.message === 'string' && e.message ? e.message : typeof e.errstr === 'string' ? e.errstr : String(err);
  const hint = HINTS[code];
  return new StoreError(`Cannot ${doing} the data store '${file}': ${reason} (${code}${hint ? `: ${hint}` : ''})`, code, file, { cause: err });
}

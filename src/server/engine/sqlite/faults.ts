import { EngineError } from '../types.js';

/** SQLite's primary result codes that mean "the file cannot be written right now", not "this statement is wrong". */
const UNAVAILABLE_CODES = new Map<number, string>([
  [5, 'the database file is busy'], // SQLITE_BUSY
  [6, 'the database file is locked'], // SQLITE_LOCKED
  [7, 'SQLite is out of memory'], // SQLITE_NOMEM
  [8, 'the database file is read-only'], // SQLITE_READONLY
  [10, 'a disk I/O error'], // SQLITE_IOERR (a write that failed, a file past the size limit)
  [13, 'the disk is full'], // SQLITE_FULL
  [14, 'the database file cannot be opened'], // SQLITE_CANTOPEN
  [15, 'a locking protocol error'], // SQLITE_PROTOCOL
]);

/** SQLITE_FULL: the disk is full, or the file reached its `maxBytes` (max_page_count). */
export const SQLITE_FULL = 13;

/**
 * The primary SQLite result code of a driver error: node:sqlite puts the
 * extended code in `errcode`, bun:sqlite in `errno`; the low byte is the primary.
 */
export function sqliteCode(error: unknown): number | undefined {
  const { errcode, errno } = (error ?? {}) as { errcode?: unknown; errno?: unknown };
  const code = typeof errcode === 'number' ? errcode : typeof errno === 'number' ? errno : undefined;
  return code === undefined ? undefined : code & 0xff;
}

/**
 * Turns what means "the file cannot serve now" — full disk, I/O error, busy
 * or locked file, a closed engine — into `EngineError('ERR_UNAVAILABLE')`
 * (503 with Retry-After), so the visitor retries and nothing unacknowledged
 * is taken for done. Anything else is a bug and stays what it is (500).
 */
export function translate(error: unknown): unknown {
  if (error instanceof EngineError) return error;
  const code = sqliteCode(error);
  const detail = code === undefined ? undefined : UNAVAILABLE_CODES.get(code);
  if (detail !== undefined) return unavailable(detail);
  // node:sqlite after close(): "database is not open".
  if ((error as { code?: unknown } | null)?.code === 'ERR_INVALID_STATE') return unavailable('the engine is closed');
  return error;
}

export function unavailable(detail: string): EngineError {
  return new EngineError('ERR_UNAVAILABLE', `The chat server's storage cannot be written (${detail}); try again shortly.`, 2);
}

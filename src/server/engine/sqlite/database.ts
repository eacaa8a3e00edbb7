import { MessagingConfigError } from '../config-error.js';
import { EngineError } from '../types.js';
import { openDatabase, type SqliteDriver, type SqliteStatement } from './driver.js';
import { SQLITE_FULL, sqliteCode, translate, unavailable } from './faults.js';
import { migrate } from './schema.js';

export interface DatabaseOptions {
  path: string;
  synchronous: 'normal' | 'full';
  /** The file's bound (max_page_count): past it writes are refused with ERR_CAPACITY. */
  maxBytes: number;
}

/** The open file, owned by this process: cached statements and transactions that answer EngineErrors. */
export interface Database {
  statement(sql: string): SqliteStatement;
  /** Runs `work` in one transaction, committed before it returns: a message acknowledged after it is in the file. */
  transaction<T>(work: () => T): T;
  /**
   * A transaction that needs no power-loss durability (rate-limit buckets):
   * committed without an fsync even with `synchronous: 'full'`. The next
   * durable commit syncs its frames too (one WAL, written in order).
   */
  relaxedTransaction<T>(work: () => T): T;
  /** Runs reads outside a transaction, with the same EngineErrors. */
  read<T>(work: () => T): T;
  close(): void;
}

const SQLITE_BUSY = 5;
const PAGE_SIZE = 4096;

/**
 * Opens (or creates) the file and takes it for this process alone.
 *
 * One process per file (SPEC §12): `locking_mode=EXCLUSIVE` makes SQLite take
 * an exclusive OS lock (fcntl) on the file at the first access and keep it
 * until close. The kernel drops that lock when the process ends, however it
 * ends (`kill -9`, a crash, power loss), so a restart never meets a stale lock
 * — unlike a lock file or a lock row with a pid and heartbeat, which must
 * guess whether their owner is alive. It also keeps the WAL index in this
 * process's memory (no -shm file). A second process (or a second engine in
 * this one) gets SQLITE_BUSY at once, and a clear error.
 */
export function openSqlite(options: DatabaseOptions): Database {
  const { path } = options;
  let db: SqliteDriver;
  try {
    db = openDatabase(path);
  } catch (error) {
    throw new MessagingConfigError('path', `createSqliteEngine: cannot open ${path} (${(error as Error).message}); does its folder exist?`);
  }
  try {
    db.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if (sqliteCode(error) === SQLITE_BUSY) {
      throw new MessagingConfigError(
        'path',
        `createSqliteEngine: ${path} is in use by another process (or another engine in this one). ` +
          'One process per file: stop the other one, or give this one its own file; for several instances use chatq/redis.',
      );
    }
    throw new MessagingConfigError('path', `createSqliteEngine: cannot use ${path} as a SQLite database (${(error as Error).message}).`);
  }
  const maxPages = Math.max(1, Math.floor(options.maxBytes / PAGE_SIZE));
  db.exec(
    `PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'};` +
      // The WAL is truncated back to this after a checkpoint, so a burst does not leave a large file behind.
      'PRAGMA journal_size_limit = 67108864;' +
      `PRAGMA max_page_count = ${Number.isFinite(maxPages) ? maxPages : 4294967294};`,
  );
  migrate(db, path);
  return wrap(db, options);
}

function wrap(db: SqliteDriver, options: DatabaseOptions): Database {
  const statements = new Map<string, SqliteStatement>();
  const statement = (sql: string): SqliteStatement => {
    let found = statements.get(sql);
    if (!found) statements.set(sql, (found = db.prepare(sql)));
    return found;
  };
  let open = true;

  function run<T>(work: () => T): T {
    if (!open) throw unavailable('the engine is closed');
    try {
      statement('BEGIN IMMEDIATE').run();
    } catch (error) {
      throw translate(error);
    }
    try {
      const result = work();
      statement('COMMIT').run();
      return result;
    } catch (error) {
      try {
        statement('ROLLBACK').run();
      } catch {
        // SQLite already rolled back (it does after some I/O errors): nothing to undo.
      }
      throw explain(error);
    }
  }

  /** SQLITE_FULL is our own bound (ERR_CAPACITY) when the file is at max_page_count, else a full disk. */
  function explain(error: unknown): unknown {
    if (sqliteCode(error) !== SQLITE_FULL) return translate(error);
    try {
      const pages = Number(statement('PRAGMA page_count').get()?.page_count);
      const max = Number(statement('PRAGMA max_page_count').get()?.max_page_count);
      if (pages >= max - 1) return new EngineError('ERR_CAPACITY', 'The chat server is at capacity (its SQLite file reached maxBytes): try again later.', 60);
    } catch {
      // The file cannot even be read: unavailable.
    }
    return translate(error);
  }

  return {
    statement,
    transaction: run,
    relaxedTransaction(work) {
      if (options.synchronous !== 'full') return run(work);
      statement('PRAGMA synchronous = NORMAL').run();
      try {
        return run(work);
      } finally {
        statement('PRAGMA synchronous = FULL').run();
      }
    },
    read(work) {
      if (!open) throw unavailable('the engine is closed');
      try {
        return work();
      } catch (error) {
        throw translate(error);
      }
    },
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}

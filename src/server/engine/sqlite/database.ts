import { MessagingConfigError } from '../config-error.js';
import { EngineError } from '../types.js';
import { loadDriver, type SqliteDriver, type SqliteStatement } from './driver.js';
import { SQLITE_FULL, sqliteCode, translate, unavailable } from './faults.js';
import { migrate } from './schema.js';

export interface DatabaseOptions {
  path: string;
  synchronous: 'normal' | 'full';
  /** The file's bound (max_page_count): past it writes are refused with ERR_CAPACITY. */
  maxBytes: number;
}

/** The open file, owned by this process: cached statements, group-committed writes, reads of committed data. */
export interface Database {
  statement(sql: string): SqliteStatement;
  /**
   * Runs `work` (synchronous statements) at once, in the transaction of this
   * event-loop turn, and resolves after that transaction is committed: an
   * answer built on it means the change is in the file. Rejects with an
   * EngineError when `work` or the commit fails; `work`'s own failure undoes
   * only its own changes (a savepoint).
   */
  write<T>(work: () => T): Promise<T>;
  /** Runs `work` once no commit is pending: a read never shows what is not yet in the file. */
  read<T>(work: () => T): Promise<T>;
  /** Runs `work` now, seeing this turn's uncommitted writes too: for state that is no answer's proof (rate limits). */
  readNow<T>(work: () => T): T;
  close(): void;
}

const fileFullErrors = new WeakSet<object>();

/** The file reached maxBytes (room can be made), as opposed to a quota refusal. */
export function isFileFull(error: unknown): boolean {
  return typeof error === 'object' && error !== null && fileFullErrors.has(error);
}

const SQLITE_BUSY = 5;
const PAGE_SIZE = 4096;
/**
 * SQLITE_FULL this close to max_page_count is the file's bound, not the disk: a statement that does not
 * fit may need several pages at once (a 4000-character message is up to 12 KB of UTF-8: overflow pages,
 * and the b-tree pages its insert splits). Measured: such a message refused at 253 of 256 pages.
 */
const FULL_MARGIN_PAGES = 16;

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
  const open = loadDriver();
  let db: SqliteDriver;
  try {
    db = open(path);
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
      // Checkpoints (the only fsyncs with NORMAL) every 10 000 pages instead of 1 000: a page written by many
      // commits is copied once. bench/sqlite.mjs: registration commit 240 → 132 µs. The WAL is truncated back
      // to 64 MiB after a checkpoint, so a burst does not leave a large file behind.
      'PRAGMA wal_autocheckpoint = 10000; PRAGMA journal_size_limit = 67108864;' +
      `PRAGMA max_page_count = ${Number.isFinite(maxPages) ? maxPages : 4294967294};`,
  );
  try {
    migrate(db, path);
  } catch (error) {
    // Refused (a file from a newer chatq) or failed: the file is not kept locked by a handle nobody holds.
    db.close();
    throw error;
  }
  return wrap(db);
}

/** One transaction shared by the writes of one event-loop turn (group commit). */
interface Batch {
  waiting: { resolve: () => void; reject: (error: unknown) => void }[];
  /** Settles when the batch is committed or abandoned. */
  settled: Promise<void>;
  settle: () => void;
}

/**
 * Group commit: writes that arrive in one event-loop turn share one
 * transaction, committed in the next turn (setImmediate) before any of them
 * is answered. One commit — one WAL append, one fsync with `'full'` — serves
 * every request of the turn (bench/sqlite.mjs measures what it saves).
 */
function wrap(db: SqliteDriver): Database {
  const statements = new Map<string, SqliteStatement>();
  const statement = (sql: string): SqliteStatement => {
    let found = statements.get(sql);
    if (!found) statements.set(sql, (found = db.prepare(sql)));
    return found;
  };
  let open = true;
  let batch: Batch | undefined;

  function begin(): Batch {
    if (batch) return batch;
    statement('BEGIN IMMEDIATE').run();
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const started: Batch = { waiting: [], settled, settle };
    batch = started;
    setImmediate(() => commit(started));
    return started;
  }

  function commit(ending: Batch): void {
    if (batch !== ending) return;
    batch = undefined;
    try {
      statement('COMMIT').run();
      for (const { resolve } of ending.waiting) resolve();
    } catch (error) {
      abandon(ending, explain(error));
    }
    ending.settle();
  }

  /** The transaction is gone (a failed commit, an I/O error): nothing in it was acknowledged. */
  function abandon(ending: Batch, failure: unknown): void {
    if (batch === ending) batch = undefined;
    try {
      statement('ROLLBACK').run();
    } catch {
      // SQLite already rolled back (it does after some I/O errors): nothing to undo.
    }
    for (const { reject } of ending.waiting.splice(0)) reject(failure);
    ending.settle();
  }

  function write<T>(work: () => T): Promise<T> {
    if (!open) return Promise.reject(unavailable('the engine is closed'));
    let current: Batch;
    try {
      current = begin();
    } catch (error) {
      return Promise.reject(translate(error));
    }
    let result: T;
    try {
      statement('SAVEPOINT work').run();
      result = work();
      statement('RELEASE work').run();
    } catch (error) {
      const failure = explain(error);
      try {
        statement('ROLLBACK TO work').run();
        statement('RELEASE work').run();
      } catch {
        abandon(current, failure);
      }
      return Promise.reject(failure);
    }
    return new Promise<T>((resolve, reject) => current.waiting.push({ resolve: () => resolve(result), reject }));
  }

  async function read<T>(work: () => T): Promise<T> {
    if (batch) await batch.settled;
    return readNow(work);
  }

  function readNow<T>(work: () => T): T {
    if (!open) throw unavailable('the engine is closed');
    try {
      return work();
    } catch (error) {
      throw translate(error);
    }
  }

  /** SQLITE_FULL is our own bound (ERR_CAPACITY) when the file is at max_page_count, else a full disk. */
  function explain(error: unknown): unknown {
    if (sqliteCode(error) !== SQLITE_FULL) return translate(error);
    try {
      const pages = Number(statement('PRAGMA page_count').get()?.page_count);
      const max = Number(statement('PRAGMA max_page_count').get()?.max_page_count);
      if (pages > max - FULL_MARGIN_PAGES) {
        const full = new EngineError('ERR_CAPACITY', 'The chat server is at capacity (its SQLite file reached maxBytes): try again later.', 60);
        fileFullErrors.add(full);
        return full;
      }
    } catch {
      // The file cannot even be read: unavailable.
    }
    return translate(error);
  }

  return {
    statement,
    write,
    read,
    readNow,
    close() {
      if (!open) return;
      open = false;
      // Writes of this turn that succeeded are committed, and their callers answered.
      if (batch) commit(batch);
      db.close();
    },
  };
}

/**
 * `chatq/sqlite` (SPEC §12): the SQLite engine. The store, the rate limits
 * and the webhook outbox in one file, through the runtime's own driver
 * (`node:sqlite` on Node ≥ 22.13, `bun:sqlite` under Bun): durable by default
 * with nothing to install. One process owns a file; for several instances use
 * `chatq/redis`.
 */
import { announcing } from '../announce.js';
import { createLocalBus } from '../local-bus.js';
import type { Engine } from '../types.js';
import { openSqlite } from './database.js';
import { createSqliteRateLimiter } from './limiter.js';
import { resolveSqliteOptions, type SqliteEngineOptions } from './options.js';
import { SqliteOutbox } from './outbox.js';
import { createSqliteStore } from './store.js';

export { MessagingConfigError } from '../config-error.js';
export { DEFAULT_SQLITE_MAX_BYTES, DEFAULT_SQLITE_RETENTION } from './options.js';
export type { SqliteEngineOptions, SqliteRetention } from './options.js';

/**
 * Creates the SQLite engine: `createSqliteEngine({ path: '.chatq/chatq.db' })`.
 * The file is created when missing (its folder must exist) and taken for this
 * process alone: a second process on it is refused with a MessagingConfigError
 * (`path`). WAL with `synchronous: 'normal'` by default: a 2xx means the change
 * is in the file and survives `kill -9`; `'full'` makes it survive power loss.
 * Full disk or an unwritable file: requests answer 503 ERR_UNAVAILABLE.
 * `close()` releases the file.
 */
export function createSqliteEngine(options: SqliteEngineOptions): Engine {
  const resolved = resolveSqliteOptions(options);
  const db = openSqlite(resolved);
  const limiter = createSqliteRateLimiter(db);
  const outbox = new SqliteOutbox(db);
  // One process owns the file, so the live bus is this process's own, and its appends announce on it (announce.ts),
  // with their epoch: the file keeps each log's from its creation.
  const bus = createLocalBus();
  return {
    store: announcing(createSqliteStore(db, resolved.retention, outbox), bus, true),
    outbox,
    bus,
    limiter,
    async close() {
      limiter.flush();
      db.close();
    },
  };
}

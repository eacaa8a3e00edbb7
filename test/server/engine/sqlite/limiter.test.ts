import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSqliteRateLimiter } from '../../../../src/server/engine/sqlite/limiter.js';
import { column, sqliteFiles } from './fixture.js';
import type { Database } from '../../../../src/server/engine/sqlite/database.js';

const files = sqliteFiles();
afterEach(() => vi.useRealTimers());
const rows = (db: Database) => db.readNow(() => db.statement('SELECT key, tokens, at FROM rate_buckets ORDER BY key').all());

describe('SQLite token buckets: the memory engine’s arithmetic', () => {
  it('a burst of perMinute, then the whole seconds until the next token', () => {
    const limiter = createSqliteRateLimiter(files.open());
    for (let i = 0; i < 3; i++) expect(limiter.take('k', 3, 0)).toBe(0);
    expect(limiter.take('k', 3, 0)).toBe(20);
    expect(limiter.take('k', 3, 19_500)).toBe(1);
    expect(limiter.take('k', 3, 20_000)).toBe(0);
    expect(limiter.take('other', 3, 0)).toBe(0);
  });

  it('Infinity per minute never waits; zero or less always waits a minute', () => {
    const limiter = createSqliteRateLimiter(files.open());
    expect(limiter.take('k', Infinity, 0)).toBe(0);
    expect(limiter.take('k', 0, 0)).toBe(60);
    expect(limiter.take('k', -5, 0)).toBe(60);
  });

  it('a bucket’s time never goes back: an earlier clock cannot refill it', () => {
    const limiter = createSqliteRateLimiter(files.open());
    expect(limiter.take('k', 1, 60_000)).toBe(0);
    expect(limiter.take('k', 1, 0)).toBe(60);
    expect(limiter.take('k', 1, 60_000)).toBe(60);
  });
});

describe('the buckets in the file', () => {
  it('are written once a second, not per take', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const db = files.open();
    const limiter = createSqliteRateLimiter(db);
    limiter.take('a', 6, 1_000);
    limiter.take('b', 6, 2_000);
    expect(rows(db)).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(rows(db)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(rows(db)).toEqual([
      { key: 'a', tokens: 5, at: 1_000 },
      { key: 'b', tokens: 5, at: 2_000 },
    ]);
    await db.read(() => undefined);
  });

  it('flush writes now; a new limiter on the file goes on from them (a restart is no fresh budget)', async () => {
    const db = files.open();
    const first = createSqliteRateLimiter(db);
    for (let i = 0; i < 2; i++) first.take('k', 2, 5_000);
    first.flush();
    await db.read(() => undefined);
    expect(createSqliteRateLimiter(db).take('k', 2, 5_000)).toBe(30);
  });

  it('forgets buckets untouched for a minute (full again), and reads them back from the file when used', async () => {
    const db = files.open();
    const limiter = createSqliteRateLimiter(db);
    limiter.take('old', 1, 0);
    limiter.take('new', 1, 60_000);
    limiter.flush();
    await db.read(() => undefined);
    // Changed in the file behind the limiter's back: only a forgotten bucket is read again.
    await db.write(() => db.statement("UPDATE rate_buckets SET tokens = 0, at = 60000 WHERE key = 'old'").run());
    await db.write(() => db.statement("UPDATE rate_buckets SET tokens = 1, at = 60000 WHERE key = 'new'").run());
    expect(limiter.take('old', 1, 60_000)).toBe(60); // the file's empty bucket, not the full one it would be by now
    expect(limiter.take('new', 1, 60_000)).toBe(60); // its own, not the file's
  });

  it('a flush that cannot write (a closed file) is dropped quietly: the limits still hold in this process', async () => {
    const path = files.path();
    const db = files.open({ path });
    const limiter = createSqliteRateLimiter(db);
    limiter.take('k', 1, 0);
    db.close();
    expect(() => limiter.flush()).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(limiter.take('k', 1, 0)).toBe(60);
    expect(column(files.open({ path }), 'SELECT key FROM rate_buckets')).toEqual([]);
  });
});

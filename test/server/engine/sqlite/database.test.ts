import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isFileFull, openSqlite, type Database } from '../../../../src/server/engine/sqlite/database.js';
import { loadNodeDriver } from '../../../../src/server/engine/sqlite/driver-node.js';
import { EngineError } from '../../../../src/server/errors.js';
import { MESSAGE_MAX_LENGTH } from '../../../../src/identity/index.js';
import { errorOf } from '../../store/fixtures.js';
import { column, sqliteFiles } from './fixture.js';

const files = sqliteFiles();

/** UUID-shaped ids from a fixed seed (a linear congruential generator): the same file layout on every run. */
function fakeUuids(seed: number): () => string {
  let state = seed;
  return () => {
    let hex = '';
    for (let i = 0; i < 32; i++) {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      hex += (state >>> 28).toString(16);
    }
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
const pragma = (db: Database, name: string): unknown => Object.values(db.readNow(() => db.statement(`PRAGMA ${name}`).get())!)[0];
const insert = (db: Database, key: string) => () => db.statement('INSERT INTO rate_buckets (key, tokens, at) VALUES (?, 1, 0)').run(key);
const keys = (db: Database) => column(db, 'SELECT key FROM rate_buckets');

describe('opening the file', () => {
  it('takes it in WAL mode, locked for this process, with the schema and the bounds asked for', () => {
    const db = files.open({ synchronous: 'full', maxBytes: 1024 * 1024 + 100 });
    expect(pragma(db, 'journal_mode')).toBe('wal');
    expect(pragma(db, 'locking_mode')).toBe('exclusive');
    expect(pragma(db, 'synchronous')).toBe(2);
    expect(pragma(db, 'max_page_count')).toBe(256);
    expect(pragma(db, 'user_version')).toBe(2);
    const normal = files.open({ synchronous: 'normal', maxBytes: Infinity });
    expect(pragma(normal, 'synchronous')).toBe(1);
    expect(pragma(normal, 'max_page_count')).toBe(4_294_967_294);
  });

  it('refuses a file that is not a SQLite database, naming path', () => {
    const path = files.path();
    writeFileSync(path, 'not a database '.repeat(100));
    expect(() => openSqlite({ path, synchronous: 'normal', maxBytes: Infinity })).toThrow(
      expect.objectContaining({ code: 'ERR_HANDLER_CONFIG', path: 'path', message: expect.stringMatching(/^createSqliteEngine: cannot use .* as a SQLite database \(file is not a database\)/) }),
    );
  });

  it('refuses a file already taken, and a file in a missing folder, naming path', () => {
    const db = files.open();
    const path = files.path();
    openSqlite({ path, synchronous: 'normal', maxBytes: Infinity }).close();
    const taken = openSqlite({ path, synchronous: 'normal', maxBytes: Infinity });
    expect(() => openSqlite({ path, synchronous: 'normal', maxBytes: Infinity })).toThrow(expect.objectContaining({ path: 'path', message: expect.stringContaining('is in use by another process') }));
    taken.close();
    expect(() => openSqlite({ path: `${path}/no-folder/x.db`, synchronous: 'normal', maxBytes: Infinity })).toThrow(expect.objectContaining({ path: 'path', message: expect.stringContaining('does its folder exist?') }));
    expect(pragma(db, 'user_version')).toBe(2);
  });

  it('refuses a file from a newer chatq as it refuses other files, ERR_HANDLER_CONFIG naming path, and leaves it free for the next try', () => {
    const path = files.path();
    const raw = loadNodeDriver()(path);
    raw.exec('PRAGMA user_version = 9');
    raw.close();
    expect(() => openSqlite({ path, synchronous: 'normal', maxBytes: Infinity })).toThrow(
      expect.objectContaining({ code: 'ERR_HANDLER_CONFIG', path: 'path', message: `createSqliteEngine: ${path} has schema version 9, newer than this chatq's 2: upgrade chatq, or give this one its own file.` }),
    );
    const again = loadNodeDriver()(path);
    again.exec('BEGIN EXCLUSIVE; PRAGMA user_version = 2; COMMIT');
    again.close();
  });

  it("refuses another program's database, ERR_HANDLER_CONFIG naming path, adding none of its tables and leaving it free", () => {
    const path = files.path();
    const app = loadNodeDriver()(path);
    app.exec("CREATE TABLE sessions (sid TEXT PRIMARY KEY, data TEXT); INSERT INTO sessions VALUES ('s', 'd')");
    app.close();
    expect(() => openSqlite({ path, synchronous: 'normal', maxBytes: Infinity })).toThrow(
      expect.objectContaining({ code: 'ERR_HANDLER_CONFIG', path: 'path', message: expect.stringMatching(/^createSqliteEngine: .* is another program's SQLite database \(tables sessions, no chatq schema\): give chatq a file of its own/) }),
    );
    const again = loadNodeDriver()(path);
    again.exec('BEGIN EXCLUSIVE; COMMIT');
    expect(again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'sessions' }]);
    expect(again.prepare('SELECT * FROM sessions').all()).toEqual([{ sid: 's', data: 'd' }]);
    again.close();
  });
});

describe('group commit: the writes of one turn share one transaction', () => {
  it('runs the work at once, and resolves only after the commit in a later turn', async () => {
    const db = files.open();
    const settled: string[] = [];
    const first = db.write(insert(db, 'a')).then(() => settled.push('a'));
    const second = db.write(() => (insert(db, 'b')(), 'result of b'));
    void second.then(() => settled.push('b'));
    expect(keys(db)).toEqual(['a', 'b']); // this turn's readNow sees them, uncommitted
    expect(settled).toEqual([]);
    await Promise.resolve();
    expect(settled).toEqual([]);
    await first;
    expect(await second).toBe('result of b');
    expect(settled).toEqual(['a', 'b']);
  });

  it('read waits for the pending commit; readNow does not', async () => {
    const db = files.open();
    const order: string[] = [];
    const write = db.write(insert(db, 'a')).then(() => order.push('write committed'));
    const read = db.read(() => (order.push('read'), keys(db)));
    order.push(`readNow sees ${keys(db).join()}`);
    await Promise.all([write, read]);
    expect(order).toEqual(['readNow sees a', 'write committed', 'read']);
    expect(await read).toEqual(['a']);
  });

  it('a failing work undoes only its own changes; the others of its turn commit', async () => {
    const db = files.open();
    const kept = db.write(insert(db, 'kept'));
    const failure = new Error('work failed');
    const failed = errorOf(
      db.write(() => {
        insert(db, 'undone')();
        throw failure;
      }),
    );
    const duplicate = errorOf(db.write(insert(db, 'kept')));
    await kept;
    expect(await failed).toBe(failure);
    expect(await duplicate).toMatchObject({ errcode: 1555 }); // a bug (a constraint), not unavailability: as it is
    expect(await db.read(() => keys(db))).toEqual(['kept']);
  });

  it('caches one prepared statement per SQL text', () => {
    const db = files.open();
    expect(db.statement('SELECT 1')).toBe(db.statement('SELECT 1'));
    expect(db.statement('SELECT 1')).not.toBe(db.statement('SELECT 2'));
  });
});

describe('close', () => {
  it('commits the writes of this turn and answers them, then the file is free', async () => {
    const path = files.path();
    const db = openSqlite({ path, synchronous: 'normal', maxBytes: Infinity });
    const pending = db.write(insert(db, 'last'));
    db.close();
    db.close();
    await expect(pending).resolves.toBeDefined();
    const reopened = files.open({ path });
    expect(keys(reopened)).toEqual(['last']);
  });

  it('a closed file answers ERR_UNAVAILABLE for writes and reads', async () => {
    const path = files.path();
    const db = openSqlite({ path, synchronous: 'normal', maxBytes: Infinity });
    db.close();
    const closed = { code: 'ERR_UNAVAILABLE', retryAfter: 2, message: "The chat server's storage cannot be written (the engine is closed); try again shortly." };
    expect(await errorOf(db.write(insert(db, 'x')))).toMatchObject(closed);
    expect(await errorOf(db.read(() => keys(db)))).toMatchObject(closed);
    expect(() => db.readNow(() => keys(db))).toThrow(expect.objectContaining(closed));
  });
});

describe('maxBytes', () => {
  it('a write past the file bound is refused with ERR_CAPACITY (isFileFull), even one that needed several pages; what fit stays', async () => {
    // Messages of the longest body (4000 characters, 12 KB of UTF-8) in conversations of random-looking ids:
    // with these ids the refused insert needed 4 pages when the file had 3 left (read as a full disk before).
    const db = files.open({ maxBytes: 1024 * 1024 });
    const next = fakeUuids(19);
    const body = '界'.repeat(MESSAGE_MAX_LENGTH);
    let stored = 0;
    let error: unknown;
    for (; stored < 1_000 && error === undefined; stored++) {
      const append = () => db.statement("INSERT INTO messages (conversation_id, seq, id, author, body, created_at) VALUES (?, 1, ?, 'visitor', ?, 0)").run(`acme.${next()}`, next(), body);
      error = await errorOf(db.write(append)).catch(() => undefined);
    }
    expect(error).toMatchObject({ name: 'EngineError', code: 'ERR_CAPACITY', retryAfter: 60, message: 'The chat server is at capacity (its SQLite file reached maxBytes): try again later.' });
    expect(isFileFull(error)).toBe(true);
    expect(stored).toBeGreaterThan(50);
    expect(await db.read(() => column(db, 'SELECT count(*) FROM messages'))).toEqual([String(stored - 1)]);
  });

  it('only the file bound is "file full", not any capacity error', () => {
    expect(isFileFull(new EngineError('ERR_CAPACITY', 'quota'))).toBe(false);
    expect(isFileFull(undefined)).toBe(false);
    expect(isFileFull('ERR_CAPACITY')).toBe(false);
  });
});

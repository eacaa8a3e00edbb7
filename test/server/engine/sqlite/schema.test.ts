import { afterEach, describe, expect, it } from 'vitest';
import { MessagingConfigError } from '../../../../src/server/errors.js';
import type { SqliteDriver } from '../../../../src/server/engine/sqlite/driver.js';
import { loadNodeDriver } from '../../../../src/server/engine/sqlite/driver-node.js';
import { migrate, SCHEMA_VERSION } from '../../../../src/server/engine/sqlite/schema.js';
import { sqliteFiles } from './fixture.js';

const files = sqliteFiles();
let db: SqliteDriver;
afterEach(() => db.close());
const open = (): SqliteDriver => (db = loadNodeDriver()(':memory:'));
const version = (): number => Number(db.prepare('PRAGMA user_version').get()!.user_version);
const tables = (): string[] => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((row) => String(row.name));

/** Runs only the first migration, as chatq 0.x with schema version 1 left a file. */
function atVersionOne(): void {
  const real = loadNodeDriver()(':memory:');
  migrate(real, 'probe');
  const first = real.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'outbox%' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
  real.close();
  open();
  db.exec('BEGIN');
  for (const { sql } of first) db.exec(String(sql));
  db.exec('PRAGMA user_version = 1; COMMIT');
}

describe('the SQLite schema, one migration per version', () => {
  it('brings a new file to SCHEMA_VERSION with every table', () => {
    open();
    migrate(db, 'new.db');
    expect(SCHEMA_VERSION).toBe(2);
    expect(version()).toBe(SCHEMA_VERSION);
    expect(tables()).toEqual(['client_ids', 'conversations', 'messages', 'outbox', 'outbox_lease', 'outbox_state', 'rate_buckets', 'sessions']);
  });

  it('is a no-op on a file already at SCHEMA_VERSION', () => {
    open();
    migrate(db, 'x.db');
    db.prepare("INSERT INTO rate_buckets (key, tokens, at) VALUES ('k', 1, 2)").run();
    migrate(db, 'x.db');
    expect(db.prepare('SELECT count(*) AS n FROM rate_buckets').get()).toEqual({ n: 1 });
  });

  it('brings a version 1 file forward, keeping its rows', () => {
    atVersionOne();
    db.prepare("INSERT INTO rate_buckets (key, tokens, at) VALUES ('k', 1, 2)").run();
    expect(tables()).not.toContain('outbox');
    migrate(db, 'old.db');
    expect(version()).toBe(2);
    expect(tables()).toContain('outbox');
    expect(db.prepare('SELECT key FROM rate_buckets').all()).toEqual([{ key: 'k' }]);
  });

  it('a migration that fails leaves the file at its version, with nothing of the step', () => {
    atVersionOne();
    db.exec('CREATE TABLE outbox_lease (x)');
    expect(() => migrate(db, 'odd.db')).toThrow(/outbox_lease already exists/);
    expect(version()).toBe(1);
    expect(tables()).not.toContain('outbox');
  });

  it('refuses a file from a newer chatq with ERR_HANDLER_CONFIG at path, naming the file and saying what to do', () => {
    const path = files.path();
    db = loadNodeDriver()(path);
    db.exec('PRAGMA user_version = 3');
    db.close();
    db = loadNodeDriver()(path);
    expect(() => migrate(db, path)).toThrow(
      expect.objectContaining({
        name: 'MessagingConfigError',
        code: 'ERR_HANDLER_CONFIG',
        path: 'path',
        problems: [{ path: 'path', code: 'ERR_HANDLER_CONFIG', message: `createSqliteEngine: ${path} has schema version 3, newer than this chatq's 2: upgrade chatq, or give this one its own file.` }],
      }),
    );
    expect(() => migrate(db, path)).toThrow(MessagingConfigError);
    expect(version()).toBe(3);
    expect(tables()).toEqual([]);
  });

  it("refuses another program's database (tables, no chatq version) with ERR_HANDLER_CONFIG at path, naming its tables, and adds nothing", () => {
    const path = files.path();
    db = loadNodeDriver()(path);
    db.exec('CREATE TABLE sessions (sid TEXT PRIMARY KEY); CREATE TABLE users (id INTEGER); CREATE TABLE orders (id INTEGER); CREATE TABLE carts (id INTEGER)');
    const message = `createSqliteEngine: ${path} is another program's SQLite database (tables carts, orders, sessions…, no chatq schema): give chatq a file of its own, e.g. ".chatq/chatq.db"; it takes the whole file for this process.`;
    expect(() => migrate(db, path)).toThrow(expect.objectContaining({ name: 'MessagingConfigError', code: 'ERR_HANDLER_CONFIG', path: 'path', message }));
    expect(version()).toBe(0);
    expect(tables()).toEqual(['carts', 'orders', 'sessions', 'users']);
    db.exec('DROP TABLE carts; DROP TABLE orders; DROP TABLE sessions');
    expect(() => migrate(db, path)).toThrow(`${path} is another program's SQLite database (tables users, no chatq schema)`);
    expect(tables()).toEqual(['users']);
  });
});

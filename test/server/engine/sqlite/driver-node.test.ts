import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNodeDriver } from '../../../../src/server/engine/sqlite/driver-node.js';
import { MessagingConfigError } from '../../../../src/server/errors.js';
import { sqliteFiles } from './fixture.js';

const files = sqliteFiles();
afterEach(() => vi.restoreAllMocks());

describe('the node:sqlite driver', () => {
  it('opens (creating) a file, runs DDL, and binds positional parameters', () => {
    const path = files.path();
    const db = loadNodeDriver()(path);
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER); CREATE TABLE u (x)');
    const insert = db.prepare('INSERT INTO t (k, n) VALUES (?, ?)');
    expect(Number(insert.run('a', 1).changes)).toBe(1);
    insert.run('b', 2);
    expect(db.prepare('SELECT n FROM t WHERE k = ?').get('b')).toEqual({ n: 2 });
    expect(db.prepare('SELECT k FROM t ORDER BY k').all()).toEqual([{ k: 'a' }, { k: 'b' }]);
    expect(db.prepare('SELECT k FROM t WHERE n > ?').all(1)).toEqual([{ k: 'b' }]);
    expect(Number(db.prepare('UPDATE t SET n = n + 1').run().changes)).toBe(2);
    db.close();
    const again = loadNodeDriver()(path);
    expect(again.prepare('SELECT sum(n) AS s FROM t').get()).toEqual({ s: 5 });
    again.close();
  });

  it('reads no row as undefined, and no rows as an empty list', () => {
    const db = loadNodeDriver()(':memory:');
    db.exec('CREATE TABLE t (k)');
    expect(db.prepare('SELECT k FROM t WHERE k = ?').get('missing')).toBeUndefined();
    expect(db.prepare('SELECT k FROM t').all()).toEqual([]);
    db.close();
  });

  it('throws SQLite errors with their result code (errcode), which faults.ts reads', () => {
    const db = loadNodeDriver()(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO t VALUES (?)').run('a');
    expect(() => db.prepare('INSERT INTO t VALUES (?)').run('a')).toThrow(expect.objectContaining({ errcode: 1555 })); // SQLITE_CONSTRAINT_PRIMARYKEY
    db.close();
    expect(() => db.exec('SELECT 1')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
  });

  it('throws when the folder does not exist', () => {
    expect(() => loadNodeDriver()(join(files.path(), 'no-folder', 'x.db'))).toThrow(/unable to open/);
  });

});

describe('a Node without node:sqlite: ERR_HANDLER_CONFIG, as the engine refuses what it cannot run with', () => {
  const refusal = (version: string) => {
    const message = `createSqliteEngine: chatq/sqlite needs node:sqlite, built into Node ≥ 22.13; this is Node ${version}. Upgrade Node, or use another engine.`;
    return expect.objectContaining({ name: 'MessagingConfigError', code: 'ERR_HANDLER_CONFIG', path: 'engine', message, problems: [{ path: 'engine', code: 'ERR_HANDLER_CONFIG', message }] });
  };

  it('Node 22.12 without the flag (getBuiltinModule there, node:sqlite not): says which Node it is and what to do', () => {
    const asked: string[] = [];
    const node2212 = { version: '22.12.0', getBuiltinModule: (id: string) => void asked.push(id) };
    expect(() => loadNodeDriver(node2212)).toThrow(refusal('22.12.0'));
    expect(() => loadNodeDriver(node2212)).toThrow(MessagingConfigError);
    expect(asked).toEqual(['node:sqlite', 'node:sqlite']);
  });

  it('a Node before process.getBuiltinModule (22.2, 20.15): the same refusal', () => {
    expect(() => loadNodeDriver({ version: '20.15.1' })).toThrow(refusal('20.15.1'));
  });

  it('a runtime that has node:sqlite: its real driver', () => {
    const db = loadNodeDriver({ version: process.versions.node, getBuiltinModule: (id) => process.getBuiltinModule(id) })(':memory:');
    expect(db.prepare('SELECT sqlite_version() AS v').get()?.v).toMatch(/^3\./);
    db.close();
  });
});

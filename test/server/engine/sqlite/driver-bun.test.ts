/**
 * bun:sqlite cannot run here (no Bun): the adapter is tested against a fake
 * of the part of Bun's Database API it uses, loaded where loadBunDriver
 * loads it (process.getBuiltinModule('node:module').createRequire).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBunDriver } from '../../../../src/server/engine/sqlite/driver-bun.js';

/** What the adapter calls on Bun's Database, recorded. */
const calls: unknown[][] = [];

/** A fake of bun:sqlite's Database: rows by SQL text; `get` gives null for no row, as Bun does. */
class FakeBunDatabase {
  static rows = new Map<string, Record<string, unknown>[]>();
  constructor(path: string, options: object) {
    calls.push(['open', path, options]);
  }
  exec(sql: string): { changes: number } {
    calls.push(['exec', sql]);
    return { changes: 0 };
  }
  prepare(sql: string) {
    const rows = FakeBunDatabase.rows.get(sql) ?? [];
    return {
      run: (...params: unknown[]) => (calls.push(['run', sql, ...params]), { changes: rows.length, lastInsertRowid: 0 }),
      get: (...params: unknown[]) => (calls.push(['get', sql, ...params]), rows[0] ?? null),
      all: (...params: unknown[]) => (calls.push(['all', sql, ...params]), rows),
    };
  }
  close(): void {
    calls.push(['close']);
  }
}

/** Serves the fake as `bun:sqlite` to the adapter's createRequire, and nothing else. */
function withFakeBun(): void {
  const real = process.getBuiltinModule.bind(process);
  vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => {
    if (id !== 'node:module') return real(id);
    return { createRequire: () => (name: string) => (name === 'bun:sqlite' ? { Database: FakeBunDatabase } : undefined) };
  }) as never);
}

afterEach(() => {
  vi.restoreAllMocks();
  calls.length = 0;
  FakeBunDatabase.rows.clear();
});

describe('the bun:sqlite driver', () => {
  it('outside Bun cannot load bun:sqlite, and says so before any file is touched', () => {
    expect(() => loadBunDriver()).toThrow(/bun:sqlite/);
  });

  it('opens the file creating it, read-write, strict (a missing parameter is an error, as on node:sqlite)', () => {
    withFakeBun();
    loadBunDriver()('/data/chat.db');
    expect(calls).toEqual([['open', '/data/chat.db', { create: true, readwrite: true, strict: true }]]);
  });

  it('passes statements and positional parameters through, and reads Bun’s null (no row) as undefined', () => {
    withFakeBun();
    FakeBunDatabase.rows.set('SELECT n FROM t WHERE k = ?', [{ n: 2 }]);
    const db = loadBunDriver()('x.db');
    expect(db.exec('CREATE TABLE t (k, n)')).toBeUndefined();
    expect(db.prepare('SELECT n FROM t WHERE k = ?').get('b')).toEqual({ n: 2 });
    expect(db.prepare('SELECT n FROM t WHERE k = ?').all('b')).toEqual([{ n: 2 }]);
    expect(db.prepare('SELECT k FROM t WHERE k = ?').get('none')).toBeUndefined();
    expect(db.prepare('UPDATE t SET n = ?').run(5)).toMatchObject({ changes: 0 });
    db.close();
    expect(calls.slice(1)).toEqual([
      ['exec', 'CREATE TABLE t (k, n)'],
      ['get', 'SELECT n FROM t WHERE k = ?', 'b'],
      ['all', 'SELECT n FROM t WHERE k = ?', 'b'],
      ['get', 'SELECT k FROM t WHERE k = ?', 'none'],
      ['run', 'UPDATE t SET n = ?', 5],
      ['close'],
    ]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDriver } from '../../../../src/server/engine/sqlite/driver.js';

afterEach(() => {
  delete (process.versions as { bun?: string }).bun;
  vi.restoreAllMocks();
});

describe("the runtime's SQLite driver", () => {
  it('on Node is node:sqlite: a working synchronous driver', () => {
    const db = loadDriver()(':memory:');
    db.exec('CREATE TABLE t (n)');
    db.prepare('INSERT INTO t VALUES (?)').run(41);
    expect(db.prepare('SELECT n + 1 AS m FROM t').get()).toEqual({ m: 42 });
    db.close();
  });

  it('under Bun (process.versions.bun set) is bun:sqlite, loaded through createRequire, never node:sqlite', () => {
    Object.defineProperty(process.versions, 'bun', { value: '1.2.0', configurable: true });
    const asked: string[] = [];
    const real = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (asked.push(id), real(id))) as never);
    // Node has no bun:sqlite: the Bun driver's own failure shows which one was chosen.
    expect(() => loadDriver()).toThrow(/bun:sqlite/);
    expect(asked).toEqual(['node:module']);
  });

  it('a runtime without node:sqlite fails at load, before any file is opened', () => {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    expect(() => loadDriver()).toThrow(/needs node:sqlite/);
  });
});

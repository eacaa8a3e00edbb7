/// <reference path="../../../../node_modules/bun-types/sqlite.d.ts" />
import type { Database } from 'bun:sqlite';
import type { SqliteDriver } from './driver-types.js';

/**
 * bun:sqlite's Database under Bun. Loaded through createRequire: a static
 * `import 'bun:sqlite'` would fail to resolve on Node. Type-checked here
 * against bun-types; Bun itself is not run by this project's tests.
 */
export function loadBunDriver(): (path: string) => SqliteDriver {
  const { createRequire } = process.getBuiltinModule('node:module');
  const { Database: BunDatabase } = createRequire(import.meta.url)('bun:sqlite') as { Database: typeof Database };
  // strict: a missing parameter is an error, as with node:sqlite.
  return (path) => wrap(new BunDatabase(path, { create: true, readwrite: true, strict: true }));
}

function wrap(db: Database): SqliteDriver {
  return {
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const statement = db.prepare<Record<string, never>, never[]>(sql);
      const bind = statement as unknown as { run(...p: unknown[]): { changes: number }; get(...p: unknown[]): unknown; all(...p: unknown[]): unknown[] };
      return {
        run: (...params) => bind.run(...params),
        get: (...params) => (bind.get(...params) ?? undefined) as never,
        all: (...params) => bind.all(...params) as never,
      };
    },
    close: () => db.close(),
  };
}

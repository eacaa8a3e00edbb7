import type { SqliteDriver, SqliteRow } from './driver-types.js';

/**
 * node:sqlite's DatabaseSync, loaded with process.getBuiltinModule so the
 * bundle has no top-level `import 'node:sqlite'`: Bun can load it, and so can
 * require() from CommonJS. Node before 22.13 needs a flag for it: say so.
 */
export function loadNodeDriver(): (path: string) => SqliteDriver {
  const sqlite = process.getBuiltinModule?.('node:sqlite');
  if (!sqlite) {
    throw new Error(`chatq/sqlite needs node:sqlite, built into Node ≥ 22.13; this is Node ${process.versions.node}. Upgrade Node, or use another engine.`);
  }
  return (path) => wrap(new sqlite.DatabaseSync(path));
}

function wrap(db: import('node:sqlite').DatabaseSync): SqliteDriver {
  return {
    exec: (sql) => db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        run: (...params) => statement.run(...params),
        get: (...params) => statement.get(...params) as SqliteRow | undefined,
        all: (...params) => statement.all(...params) as SqliteRow[],
      };
    },
    close: () => db.close(),
  };
}

import { MessagingConfigError } from '../config-error.js';
import type { SqliteDriver, SqliteRow } from './driver-types.js';

type NodeSqlite = typeof import('node:sqlite');

/** What loadNodeDriver reads of the runtime: this process's, or an older Node's in a test. */
export interface NodeRuntime {
  /** process.versions.node, named when node:sqlite is missing. */
  readonly version: string;
  /** process.getBuiltinModule, which Node before 22.3 (20.16) does not have. */
  readonly getBuiltinModule?: (id: 'node:sqlite') => NodeSqlite | undefined;
}

const thisProcess = (): NodeRuntime => ({
  version: process.versions.node,
  getBuiltinModule: process.getBuiltinModule ? (id) => process.getBuiltinModule(id) : undefined,
});

/**
 * node:sqlite's DatabaseSync, loaded with process.getBuiltinModule so the
 * bundle has no top-level `import 'node:sqlite'`: Bun can load it, and so can
 * require() from CommonJS. Node before 22.13 needs a flag for it: say so, as
 * the engine refuses anything else it cannot run with (ERR_HANDLER_CONFIG).
 * Whether the module is there decides, not the version: a runtime that has
 * it under another version number (Deno) runs.
 */
export function loadNodeDriver(runtime: NodeRuntime = thisProcess()): (path: string) => SqliteDriver {
  const sqlite = runtime.getBuiltinModule?.('node:sqlite');
  if (!sqlite) {
    throw new MessagingConfigError(
      'engine',
      `createSqliteEngine: chatq/sqlite needs node:sqlite, built into Node ≥ 22.13; this is Node ${runtime.version}. Upgrade Node, or use another engine.`,
    );
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

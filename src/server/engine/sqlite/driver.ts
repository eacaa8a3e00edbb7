/**
 * The one seam between the SQLite engine and a runtime's own SQLite driver:
 * `node:sqlite` (DatabaseSync, Node ≥ 22.13) or `bun:sqlite` under Bun. Both
 * are synchronous and built in, so the engine has no dependency (SPEC §12).
 * Only positional `?` parameters are used: the two drivers agree on those.
 */
import { loadBunDriver } from './driver-bun.js';
import { loadNodeDriver } from './driver-node.js';
import type { SqliteDriver } from './driver-types.js';

export type { SqliteDriver, SqliteRow, SqliteStatement, SqliteValue } from './driver-types.js';

/**
 * The runtime's driver: Bun sets `process.versions.bun`; everything else is
 * taken for Node. Throws (before any file is touched) when the runtime has none.
 */
export function loadDriver(): (path: string) => SqliteDriver {
  return typeof process !== 'undefined' && process.versions?.bun ? loadBunDriver() : loadNodeDriver();
}

/**
 * The one seam between the SQLite engine and a runtime's own SQLite driver:
 * `node:sqlite` (DatabaseSync, Node ≥ 22.13) or `bun:sqlite` under Bun. Both
 * are synchronous and built in, so the engine has no dependency (SPEC §12).
 * Only positional `?` parameters are used: the two drivers agree on those.
 */
import { loadBunDriver } from './driver-bun.js';
import { loadNodeDriver } from './driver-node.js';

export type SqliteValue = string | number | bigint | null | Uint8Array;
export type SqliteRow = Record<string, SqliteValue>;

export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number | bigint };
  /** The first row, or undefined when there is none (bun:sqlite's null is turned into undefined). */
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
}

export interface SqliteDriver {
  /** Runs one or more statements without results (pragmas, DDL). */
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * The runtime's driver: Bun sets `process.versions.bun`; everything else is
 * taken for Node. Throws (before any file is touched) when the runtime has none.
 */
export function loadDriver(): (path: string) => SqliteDriver {
  return typeof process !== 'undefined' && process.versions?.bun ? loadBunDriver() : loadNodeDriver();
}

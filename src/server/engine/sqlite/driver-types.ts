/**
 * The types of the seam between the SQLite engine and a runtime's driver
 * (driver.ts): apart, so each driver file takes them without importing the
 * loader that imports it.
 */
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

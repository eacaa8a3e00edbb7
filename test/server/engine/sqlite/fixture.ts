/**
 * The SQLite engine's unit tests: real node:sqlite files in one temp folder
 * per test file, each Database opened here closed after its test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openSqlite, type Database, type DatabaseOptions } from '../../../../src/server/engine/sqlite/database.js';
import { DEFAULT_SQLITE_RETENTION, type SqliteRetention } from '../../../../src/server/engine/sqlite/options.js';

export interface SqliteFiles {
  /** A new file's path in this test file's temp folder. */
  path(): string;
  /** Opens `path` (a new file by default), closed after the test. */
  open(options?: Partial<DatabaseOptions>): Database;
}

/** Call at the top of a test file. */
export function sqliteFiles(): SqliteFiles {
  let dir = '';
  let files = 0;
  const opened: Database[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatq-sqlite-unit-'));
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = (): string => join(dir, `t${++files}.db`);
  return {
    path,
    open(options = {}) {
      const db = openSqlite({ path: path(), synchronous: 'normal', maxBytes: Infinity, ...options });
      opened.push(db);
      return db;
    },
  };
}

export const retention = (extra: Partial<SqliteRetention> = {}): SqliteRetention => ({ ...DEFAULT_SQLITE_RETENTION, ...extra });

/** Inserts a conversation row as the store would, `extra` columns over the defaults. */
export function insertConversation(db: Database, id: string, columns: { activeAt?: number; updatedAt?: number; lastSeq?: number; owner?: string; community?: string } = {}): Promise<void> {
  const { activeAt = 0, updatedAt = activeAt, lastSeq = 0, owner = '', community = 'acme' } = columns;
  return db.write(() => {
    db.statement('INSERT INTO conversations (id, community, key, identity, created_at, updated_at, active_at, last_seq, epoch, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      id,
      community,
      `key:${id}`,
      '{}',
      0,
      updatedAt,
      activeAt,
      lastSeq,
      'e1',
      owner,
    );
  });
}

/** Inserts a session row of `conversationId`. */
export function insertSession(db: Database, id: string, conversationId: string, lastSeenAt: number, retainUntil = lastSeenAt + 1_000_000): Promise<void> {
  return db.write(() => {
    db.statement('INSERT INTO sessions (id, conversation_id, retain_until, last_seen_at, record) VALUES (?, ?, ?, ?, ?)').run(id, conversationId, retainUntil, lastSeenAt, '{}');
  });
}

/** The ids of a table's rows (or one column), sorted. */
export function column(db: Database, sql: string, ...params: (string | number)[]): string[] {
  return db
    .readNow(() => db.statement(sql).all(...params))
    .map((row) => String(Object.values(row)[0]))
    .sort();
}

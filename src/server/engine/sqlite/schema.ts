import { MessagingConfigError } from '../config-error.js';
import type { SqliteDriver } from './driver.js';

/**
 * The file's tables, one migration per schema version (`PRAGMA user_version`).
 * A later version appends a migration; an existing file is brought forward on
 * open. The webhook outbox (SPEC §12) is the next one: a table written in the
 * same transaction as the message or conversation change it reports.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    community TEXT NOT NULL,
    key TEXT NOT NULL,
    identity TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- Latest activity (registration, message, page, session use): drives the idle retention.
    active_at INTEGER NOT NULL,
    last_page TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0,
    -- The log's epoch, given at creation and kept: the file never loses an acknowledged message.
    epoch TEXT NOT NULL,
    -- The client address (handler's address key) charged with it; '' when unknown.
    owner TEXT NOT NULL DEFAULT '',
    -- Rows this conversation holds in client_ids (trimmed back to maxClientIdsPerConversation in bulk).
    client_ids INTEGER NOT NULL DEFAULT 0,
    -- Messages with seq <= this are gone from the file (those up to last_seq - kept are hidden until then).
    trimmed_seq INTEGER NOT NULL DEFAULT 0,
    -- SPEC §11 conversation state (ConversationState as JSON); NULL is the default state.
    state TEXT,
    UNIQUE (community, key)
  );
  -- The agent list; also how the sweep finds idle conversations (active_at >= updated_at always),
  -- so no index of its own on active_at: one b-tree less to write per message.
  CREATE INDEX conversations_recent ON conversations (community, updated_at DESC, id DESC);
  -- The per-address quota (owner never changes: no write per message).
  CREATE INDEX conversations_owner ON conversations (owner) WHERE owner != '';
  CREATE TABLE messages (
    conversation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    author TEXT NOT NULL,
    client_id TEXT,
    -- SPEC §11: who answered (AgentIdentity as JSON), on agent messages.
    agent TEXT,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  ) WITHOUT ROWID;
  -- Idempotency keys outlive the kept history (SPEC §6 "Bounds"): seq, id and time of the first send.
  -- Trimmed in bulk (no index by seq to keep up to date on every message).
  CREATE TABLE client_ids (
    conversation_id TEXT NOT NULL,
    author TEXT NOT NULL,
    client_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, author, client_id)
  ) WITHOUT ROWID;
  -- A rowid table: records are appended in order, and only the small index entries land at random places.
  CREATE TABLE sessions (
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    retain_until INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX sessions_conversation ON sessions (conversation_id);
  CREATE INDEX sessions_retain ON sessions (retain_until);
  CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX rate_buckets_at ON rate_buckets (at);
  `,
  // 2: the webhook outbox (SPEC §12), written in the same transaction as the change it reports.
  // AUTOINCREMENT: an id is never reused, even once every entry was trimmed, so a saved cursor skips nothing.
  `
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    community TEXT NOT NULL,
    type TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    author TEXT
  );
  CREATE INDEX outbox_community ON outbox (community, id);
  CREATE TABLE outbox_state (
    community TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (community, endpoint)
  ) WITHOUT ROWID;
  CREATE TABLE outbox_lease (
    community TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the file to SCHEMA_VERSION, each step in its own transaction. A file from a newer chatq, or
 * another program's database, is refused as the engine's other files it cannot use are (database.ts):
 * ERR_HANDLER_CONFIG at `path`.
 */
export function migrate(db: SqliteDriver, path: string): void {
  const version = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new MessagingConfigError(
      'path',
      `createSqliteEngine: ${path} has schema version ${version}, newer than this chatq's ${SCHEMA_VERSION}: upgrade chatq, or give this one its own file.`,
    );
  }
  if (version === 0) refuseForeignTables(db, path);
  for (let next = version; next < SCHEMA_VERSION; next++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[next]!);
      db.exec(`PRAGMA user_version = ${next + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

/**
 * A chatq file at version 0 has no tables (the first migration sets the version in its own transaction), so
 * tables there are another program's: the app's own database given as `path`. Without this its `sessions`
 * table failed the migration with SQLite's bare "table sessions already exists", and a file without such a
 * name took chatq's tables silently, and its exclusive lock (one process per file) then shut the app out.
 */
function refuseForeignTables(db: SqliteDriver, path: string): void {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4").all().map((row) => String(row.name));
  if (names.length === 0) return;
  const listed = names.length > 3 ? `${names.slice(0, 3).join(', ')}…` : names.join(', ');
  throw new MessagingConfigError(
    'path',
    `createSqliteEngine: ${path} is another program's SQLite database (tables ${listed}, no chatq schema): give chatq a file of its own, e.g. ".chatq/chatq.db"; it takes the whole file for this process.`,
  );
}

import { MessagingConfigError } from '../config-error.js';

/** How long idle conversations are kept, and how much of each (as the Redis engine's `retention`). */
export interface SqliteRetention {
  /** A conversation with no activity for this long is deleted with its messages and sessions. Default 7 days. */
  conversationIdleMs: number;
  /** Messages kept per conversation; older ones leave the history, seqs go on. Default 500. */
  maxMessagesPerConversation: number;
  /** Idempotency keys (clientIds) remembered per conversation. Default 5 000. */
  maxClientIdsPerConversation: number;
  /** A conversation nobody wrote in lives this long without activity; its first message gives it conversationIdleMs. Default 24 hours. */
  emptyConversationIdleMs: number;
  /**
   * Conversations one client address (IPv6: one /64) may hold: past it, its
   * own oldest empty one makes room, else its least recently active one idle
   * for evictIdleAfterMs, else a new one gets 503 ERR_CAPACITY. Default 100.
   */
  maxConversationsPerAddress: number;
  /** See maxConversationsPerAddress. Default 15 minutes. */
  evictIdleAfterMs: number;
  /** Sessions one conversation may hold; past it the least recently seen of the others end. Default 10. */
  maxSessionsPerConversation: number;
}

export interface SqliteEngineOptions {
  /** The database file (created when missing; its folder must exist). One process per file. */
  path: string;
  /**
   * `'normal'` (default): a commit survives the process (`kill -9`, a crash) but
   * the last ones may be lost with the machine's power. `'full'`: each commit is
   * fsynced before the answer, so it survives power loss too, at the cost of one
   * fsync per write (README: measured).
   */
  synchronous?: 'normal' | 'full';
  retention?: Partial<SqliteRetention>;
  /** The file's size bound: past it new conversations and messages get 503 ERR_CAPACITY. Default 1 GiB. */
  maxBytes?: number;
}

export interface ResolvedSqliteOptions {
  path: string;
  synchronous: 'normal' | 'full';
  retention: SqliteRetention;
  maxBytes: number;
}

export const DEFAULT_SQLITE_RETENTION: Readonly<SqliteRetention> = Object.freeze({
  conversationIdleMs: 7 * 24 * 60 * 60 * 1000,
  maxMessagesPerConversation: 500,
  maxClientIdsPerConversation: 5_000,
  emptyConversationIdleMs: 24 * 60 * 60 * 1000,
  maxConversationsPerAddress: 100,
  evictIdleAfterMs: 15 * 60 * 1000,
  maxSessionsPerConversation: 10,
});

export const DEFAULT_SQLITE_MAX_BYTES = 1024 * 1024 * 1024;

const KNOWN = new Set(['path', 'synchronous', 'retention', 'maxBytes']);

/** Defaults filled in; every problem is a MessagingConfigError naming its option. */
export function resolveSqliteOptions(options: SqliteEngineOptions): ResolvedSqliteOptions {
  if (typeof options !== 'object' || options === null) throw new MessagingConfigError('path', 'createSqliteEngine: pass { path } (the database file).');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new MessagingConfigError(key, `createSqliteEngine: unknown option "${key}"`);
  const { path, synchronous = 'normal', maxBytes = DEFAULT_SQLITE_MAX_BYTES } = options;
  if (typeof path !== 'string' || path === '' || path.includes('\0')) {
    throw new MessagingConfigError('path', 'createSqliteEngine: path must be the database file, e.g. ".chatq/chatq.db".');
  }
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new MessagingConfigError('synchronous', `createSqliteEngine: synchronous must be 'normal' or 'full', got ${String(synchronous)}`);
  }
  if (typeof maxBytes !== 'number' || !(maxBytes >= 65_536)) {
    throw new MessagingConfigError('maxBytes', `createSqliteEngine: maxBytes must be a number of at least 65536 (Infinity for no bound), got ${String(maxBytes)}`);
  }
  return { path, synchronous, maxBytes, retention: resolveRetention(options.retention) };
}

function resolveRetention(partial: Partial<SqliteRetention> = {}): SqliteRetention {
  const retention = { ...DEFAULT_SQLITE_RETENTION };
  for (const [key, value] of Object.entries(partial) as [keyof SqliteRetention, unknown][]) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_SQLITE_RETENTION, key)) throw new MessagingConfigError(`retention.${key}`, `createSqliteEngine: unknown retention option "${key}"`);
    const integer = !key.endsWith('Ms');
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new MessagingConfigError(`retention.${key}`, `createSqliteEngine: retention.${key} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
    }
    retention[key] = value;
  }
  return retention;
}

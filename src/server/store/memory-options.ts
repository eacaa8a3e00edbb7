/**
 * Bounds of the in-memory store (`createMemoryStore(options)`). Without them
 * a long-running process would keep every visitor who ever came by; with the
 * defaults, message text is capped near 100 MB however the store is used.
 * Evicting a conversation also ends its sessions (the widget registers again
 * and starts a fresh conversation).
 *
 * Time is the handler's clock: the store keeps the latest instant it was
 * given (`upsertConversation`'s `now`, a message's `createdAt`, a session's
 * `lastSeenAt`), so a handler with a fake `now` ages the store consistently.
 */
export interface MemoryStoreOptions {
  /**
   * A conversation with no activity (registration, message, page change, or a
   * visitor request / stream heartbeat on one of its sessions) for this long
   * is dropped with its messages and sessions. Default 7 days.
   */
  conversationIdleMs?: number;
  /** At most this many conversations; past it the least recently active ones are evicted (LRU). Default 10 000. */
  maxConversations?: number;
  /**
   * Messages kept per conversation: past it the oldest are dropped (seqs go on;
   * a reconnect with an older Last-Event-ID gets what is left; a retry of a
   * dropped message's clientId is no longer recognized). Default 500.
   */
  maxMessagesPerConversation?: number;
  /**
   * Characters of message text kept in all conversations together (~2 bytes
   * each): past it the least recently active conversations are evicted, never
   * the one being written to. Default 50 000 000 (~100 MB).
   */
  maxMessageChars?: number;
  /**
   * At most this many sessions; past it the least recently used are forgotten
   * (their widgets register again). Sessions past their `retainUntil` are
   * dropped whatever the count. Default 100 000.
   */
  maxSessions?: number;
  /** How often (ms of store time) expired sessions and idle conversations are swept. Default 60 s. */
  sweepIntervalMs?: number;
}

export type MemoryStoreBounds = Required<MemoryStoreOptions>;

export const DEFAULT_MEMORY_STORE_BOUNDS: Readonly<MemoryStoreBounds> = Object.freeze({
  conversationIdleMs: 7 * 24 * 60 * 60 * 1000,
  maxConversations: 10_000,
  maxMessagesPerConversation: 500,
  maxMessageChars: 50_000_000,
  maxSessions: 100_000,
  sweepIntervalMs: 60_000,
});

/** Defaults filled in; every bound must be a positive number (`Infinity` turns one off). */
export function resolveMemoryStoreBounds(options: MemoryStoreOptions = {}): MemoryStoreBounds {
  const bounds = { ...DEFAULT_MEMORY_STORE_BOUNDS };
  for (const [key, value] of Object.entries(options) as [keyof MemoryStoreBounds, unknown][]) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_MEMORY_STORE_BOUNDS, key)) throw new TypeError(`createMemoryStore: unknown option "${key}"`);
    const count = key.startsWith('max');
    if (typeof value !== 'number' || !(value > 0) || (count && !Number.isInteger(value) && value !== Infinity)) {
      throw new TypeError(`createMemoryStore: ${key} must be a positive ${count ? 'integer' : 'number'} (Infinity for no bound), got ${String(value)}`);
    }
    bounds[key] = value;
  }
  return bounds;
}

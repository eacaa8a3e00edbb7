import { MessagingConfigError } from '../errors.js';

/**
 * Bounds of the in-memory store (`createMemoryStore(options)`), the memory
 * engine's. They are real memory bounds (SPEC §6 "Bounds"): `maxBytes` counts
 * each record's estimated heap cost — text at 2 bytes a character plus the
 * measured overhead of the objects, strings and index entries around it — so
 * a visitor cannot fit 1.7 GiB into "100 MB" with one-character messages.
 *
 * When full, the store drops conversations nobody wrote in, then idle ones
 * (`evictIdleAfterMs`) of the addresses that hold the most, and only then
 * refuses new conversations and messages (503 `ERR_CAPACITY`). A visitor who
 * is there (a request or stream heartbeat within `evictIdleAfterMs`) never
 * loses their conversation or session to make room, and one address holds at
 * most `maxConversationsPerAddress`.
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
  /**
   * A conversation nobody wrote in lives this long without activity (the
   * handler's default session idle time); its first message gives it
   * `conversationIdleMs`. Default 24 hours.
   */
  emptyConversationIdleMs?: number;
  /**
   * At most this many conversations; past it a new one gets 503 ERR_CAPACITY
   * once empty ones and idle ones of the busiest addresses were dropped
   * (see `evictIdleAfterMs`). Default 10 000.
   */
  maxConversations?: number;
  /**
   * Live conversations one client address (IPv6: one /64) may hold: past it,
   * its own oldest empty conversation makes room, else its least recently
   * active idle one (`evictIdleAfterMs`), else a new one gets 503
   * ERR_CAPACITY. One address cannot fill the store. Default 100.
   */
  maxConversationsPerAddress?: number;
  /**
   * When the store is full, a conversation with no activity for this long
   * (no message, no request or stream heartbeat of its visitor) may be
   * dropped to make room, from the addresses that hold the most first. An
   * open stream keeps its conversation active. Default 15 minutes.
   */
  evictIdleAfterMs?: number;
  /** Sessions one conversation may hold; past it the least recently used of them end. Default 10. */
  maxSessionsPerConversation?: number;
  /**
   * Messages kept per conversation: past it the oldest leave the history
   * (seqs go on; a retry of one that left is still recognized by its
   * clientId). Default 500.
   */
  maxMessagesPerConversation?: number;
  /** Idempotency keys (clientIds) remembered per conversation, kept messages included. Default 5 000. */
  maxClientIdsPerConversation?: number;
  /** Estimated heap bytes of everything the store holds. Default 104 857 600 (100 MiB). */
  maxBytes?: number;
  /**
   * At most this many sessions; past it the least recently used are forgotten
   * (their widgets register again and find their conversation). Sessions past
   * their `retainUntil` are dropped whatever the count. Default 100 000.
   */
  maxSessions?: number;
  /** How often (ms of store time) expired sessions and idle conversations are swept. Default 60 s. */
  sweepIntervalMs?: number;
}

export type MemoryStoreBounds = Required<MemoryStoreOptions>;

export const DEFAULT_MEMORY_STORE_BOUNDS: Readonly<MemoryStoreBounds> = Object.freeze({
  conversationIdleMs: 7 * 24 * 60 * 60 * 1000,
  emptyConversationIdleMs: 24 * 60 * 60 * 1000,
  maxConversations: 10_000,
  maxConversationsPerAddress: 100,
  evictIdleAfterMs: 15 * 60 * 1000,
  maxSessionsPerConversation: 10,
  maxMessagesPerConversation: 500,
  maxClientIdsPerConversation: 5_000,
  maxBytes: 100 * 1024 * 1024,
  maxSessions: 100_000,
  sweepIntervalMs: 60_000,
});

/** Defaults filled in; every bound must be a positive number (`Infinity` turns one off). */
export function resolveMemoryStoreBounds(options: MemoryStoreOptions = {}): MemoryStoreBounds {
  const bounds = { ...DEFAULT_MEMORY_STORE_BOUNDS };
  for (const [key, value] of Object.entries(options) as [keyof MemoryStoreBounds, unknown][]) {
    if (value === undefined) continue;
    if ((key as string) === 'maxMessageChars') {
      throw new MessagingConfigError('maxMessageChars', 'createMemoryStore: maxMessageChars was replaced by maxBytes, which counts the real memory of every record.');
    }
    if (!Object.hasOwn(DEFAULT_MEMORY_STORE_BOUNDS, key)) throw new MessagingConfigError(key, `createMemoryStore: unknown option "${key}"`);
    const count = key.startsWith('max');
    if (typeof value !== 'number' || !(value > 0) || (count && !Number.isInteger(value) && value !== Infinity)) {
      throw new MessagingConfigError(key, `createMemoryStore: ${key} must be a positive ${count ? 'integer' : 'number'} (Infinity for no bound), got ${String(value)}`);
    }
    bounds[key] = value;
  }
  return bounds;
}

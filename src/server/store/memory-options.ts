import { MessagingConfigError } from '../engine/config-error.js';

/**
 * Bounds of the in-memory store (`createMemoryStore(options)`), the memory
 * engine's. They are real memory bounds (SPEC §6 "Bounds"): `maxBytes` counts
 * each record's estimated heap cost — text at 2 bytes a character plus the
 * measured overhead of the objects, strings and index entries around it — so
 * a visitor cannot fit 1.7 GiB into "100 MB" with one-character messages.
 *
 * Nothing that holds a message is evicted before its idle time: when full,
 * the store refuses new conversations and messages (503 `ERR_CAPACITY`) and
 * drops only conversations nobody wrote in yet, and sessions.
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
  /** At most this many conversations; past it a new one gets 503 ERR_CAPACITY (empty ones are dropped first). Default 10 000. */
  maxConversations?: number;
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
  maxConversations: 10_000,
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

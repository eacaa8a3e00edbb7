/**
 * What the Redis engine keeps and for how long: apart from store.ts, which
 * builds the budget (budget.ts) that reads it, so neither imports the other.
 */
export interface RedisRetention {
  /** A conversation with no activity for this long expires with its messages (Redis TTL). Default 7 days. */
  conversationIdleMs: number;
  /**
   * A conversation nobody wrote in expires after this long without a
   * registration or page change (the handler's default session idle time);
   * its first message gives it `conversationIdleMs`. Default 24 hours.
   */
  emptyConversationIdleMs: number;
  /** Live conversations per community; past it a new one gets 503 ERR_CAPACITY. Default 100 000. */
  maxConversationsPerCommunity: number;
  /**
   * Estimated bytes per community (records, identities, messages); past it a
   * new conversation gets 503 ERR_CAPACITY while existing ones carry on. Set
   * it so every community's budget fits under Redis' `maxmemory`, and one
   * community filling its own never stops another. Default 268 435 456 (256 MiB).
   */
  maxBytesPerCommunity: number;
  /**
   * Conversations someone wrote in that one client address (IPv6: one /64)
   * may hold; past it that address gets 503 ERR_CAPACITY for a new one.
   * Default 100.
   */
  maxConversationsPerAddress: number;
  /** Sessions per conversation; past it the least recently seen of the others end. Default 10. */
  maxSessionsPerConversation: number;
  /**
   * An address at its quota gives back its own conversation that has had no
   * message for this long (the least recently written first) before it is
   * refused. Default 15 minutes.
   */
  evictIdleAfterMs: number;
  /** Messages kept per conversation; older ones leave the history, seqs go on. Default 500. */
  maxMessagesPerConversation: number;
  /** Idempotency keys (clientIds) remembered per conversation. Default 5 000. */
  maxClientIdsPerConversation: number;
}

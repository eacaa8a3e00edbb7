import type { Author } from '../../identity/index.js';

/**
 * The webhook events a store records as it changes (SPEC §12): all but
 * `conversation.unanswered`, which the sender raises itself. Here, on the
 * store's side, so a store writes its outbox without importing webhooks/
 * (which reads the store).
 */
export type OutboxEventType = 'conversation.created' | 'message.created' | 'conversation.closed' | 'conversation.reopened';

/**
 * What a store writes to its outbox in the same step as the change (the same
 * SQLite transaction, the same Redis script): a pointer to the change, not its
 * payload. The payload is read from the store when the event is delivered, so
 * the write costs one small record.
 */
export interface OutboxEntry {
  /** The entry's position in the community's outbox: opaque, increasing in the order of writes. */
  id: string;
  type: OutboxEventType;
  conversationId: string;
  /** The conversation's seq at the event: the message's seq for `message.created`, else its lastSeq. */
  seq: number;
  /** When the change happened (ms since the epoch, the store's clock). */
  at: number;
  /** `message.created` only: who wrote it (an agent reply answers the conversation). */
  author?: Author;
}

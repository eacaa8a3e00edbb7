import type { OutboxEntry } from './outbox-types.js';
import type { ConversationRecord } from './types.js';

/**
 * What the memory store writes its SPEC §12 outbox entries to, in the same
 * synchronous step as each change (the memory engine's MemoryOutbox). It
 * ignores communities without webhooks.
 */
export interface OutboxWriter {
  record(community: string, entry: Omit<OutboxEntry, 'id'>): void;
}

/**
 * The event of a state change (SPEC §12), when it moved the status:
 * `conversation.closed`, or `conversation.reopened` (by an agent, or by the
 * visitor writing in a closed conversation). Undefined when it did not.
 */
export function statusEvent(before: ConversationRecord, after: ConversationRecord, at: number): Omit<OutboxEntry, 'id'> | undefined {
  const status = after.state?.status ?? 'open';
  if (status === (before.state?.status ?? 'open')) return undefined;
  return { type: status === 'closed' ? 'conversation.closed' : 'conversation.reopened', conversationId: after.id, seq: after.lastSeq, at };
}

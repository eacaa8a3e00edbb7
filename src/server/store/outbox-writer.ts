import type { OutboxEntry } from '../webhooks/types.js';

/**
 * What the memory store writes its SPEC §12 outbox entries to, in the same
 * synchronous step as each change (the memory engine's MemoryOutbox). It
 * ignores communities without webhooks.
 */
export interface OutboxWriter {
  record(community: string, entry: Omit<OutboxEntry, 'id'>): void;
}

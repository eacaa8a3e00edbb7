import { randomBytes } from '../runtime/random.js';

/**
 * Conversation ids carry their community (SPEC §6 "Sharing"):
 * `<community>.<random UUID>`. A store can then find every key of a
 * conversation from its id alone, and the community is in every key.
 * Community ids are `[a-z0-9_-]`, so the first `.` ends it.
 */
export function newConversationId(community: string): string {
  return `${community}.${crypto.randomUUID()}`;
}

/** A new log epoch: 10 random base-36 characters (opaque to clients, part of the stream position `<epoch>.<seq>`). */
export function newEpoch(): string {
  let epoch = '';
  // From the pooled fill (runtime/random.ts): one getRandomValues per ~400 epochs, not one each.
  for (const byte of randomBytes(10)) epoch += BASE36[byte % 36];
  return epoch;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The community of a conversation id, or undefined when the id is not one of ours. */
export function conversationCommunity(id: string): string | undefined {
  const match = /^([a-z0-9_-]{1,64})\.[0-9a-f-]{36}$/.exec(id);
  return match ? match[1] : undefined;
}

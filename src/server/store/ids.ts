/**
 * Conversation ids carry their community (SPEC §6 "Sharing"):
 * `<community>.<random UUID>`. A store can then find every key of a
 * conversation from its id alone, and the community is in every key.
 * Community ids are `[a-z0-9_-]`, so the first `.` ends it.
 */
export function newConversationId(community: string): string {
  return `${community}.${crypto.randomUUID()}`;
}

/** The community of a conversation id, or undefined when the id is not one of ours. */
export function conversationCommunity(id: string): string | undefined {
  const match = /^([a-z0-9_-]{1,64})\.[0-9a-f-]{36}$/.exec(id);
  return match ? match[1] : undefined;
}

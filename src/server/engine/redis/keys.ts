/**
 * Every key of the Redis engine (SPEC §8): the deployment's `keyPrefix`, then
 * the community id (SPEC §6 "Sharing"), then the record. A conversation's keys
 * share the hash tag `{<conversation id>}`, so its scripts run on one Cluster
 * slot.
 */
export interface ConversationKeys {
  readonly record: string;
  readonly messages: string;
  readonly clientIds: string;
  readonly clientIdOrder: string;
  /** In script order: record, messages, clientIds, clientId order. */
  readonly all: string[];
}

export function createKeys(prefix: string) {
  return {
    conversation(community: string, id: string): ConversationKeys {
      const base = `${prefix}${community}:`;
      const tag = `{${id}}`;
      const keys = {
        record: `${base}conv:${tag}`,
        messages: `${base}msgs:${tag}`,
        clientIds: `${base}cids:${tag}`,
        clientIdOrder: `${base}cidx:${tag}`,
      };
      return { ...keys, all: [keys.record, keys.messages, keys.clientIds, keys.clientIdOrder] };
    },
    /** `signed:<uuid>` or `browser:<automated uuid>` → the conversation id. */
    conversationIndex: (community: string, key: string) => `${prefix}${community}:key:${key}`,
    /** The agent list: conversation ids scored by `updatedAt`. */
    recent: (community: string) => `${prefix}${community}:recent`,
    session: (community: string, hash: string) => `${prefix}${community}:sess:${hash}`,
    /** Rate-limit keys already begin with the community (handler/rate.ts). */
    bucket: (key: string) => `${prefix}rate:${key}`,
    channel: (community: string) => `${prefix}${community}:bus`,
  };
}

export type Keys = ReturnType<typeof createKeys>;

import type { BusTopic } from '../types.js';

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

/**
 * A community's budget (issue 16 HIGH 2), kept by the budget scripts on one
 * Cluster slot (hash tag `{c:<community>}`): live conversations scored by
 * when they lapse, their estimated bytes (and the total under `#total`), and
 * per address the conversations someone wrote in.
 */
export interface BudgetKeys {
  readonly live: string;
  readonly bytes: string;
  owner(address: string): string;
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
    budget(community: string): BudgetKeys {
      const base = `${prefix}${community}:`;
      const tag = `{c:${community}}`;
      return {
        live: `${base}live:${tag}`,
        bytes: `${base}bytes:${tag}`,
        // Address keys hold ':' and '/' (IPv6 /64), never braces.
        owner: (address: string) => `${base}addr:${tag}:${address}`,
      };
    },
    /** SPEC §12 webhooks: the community's outbox stream, its endpoints' delivery state and the sender's lease, on one slot. */
    outbox(community: string) {
      const base = `${prefix}${community}:`;
      const tag = `{c:${community}}`;
      return { stream: `${base}obx:${tag}`, state: `${base}obxstate:${tag}`, lease: `${base}obxlease:${tag}` };
    },
    /** `signed:<uuid>` or `browser:<automated uuid>` → the conversation id. */
    conversationIndex: (community: string, key: string) => `${prefix}${community}:key:${key}`,
    /** The agent list: conversation ids scored by `updatedAt`. */
    recent: (community: string) => `${prefix}${community}:recent`,
    session: (community: string, hash: string) => `${prefix}${community}:sess:${hash}`,
    /** Rate-limit keys already begin with the community (handler/rate.ts). */
    bucket: (key: string) => `${prefix}rate:${key}`,
    /**
     * A bus topic's pub/sub channel (issue 22 item 3). A conversation's carries its hash tag, so the
     * append script publishes to it on the conversation's own slot (SPUBLISH on a Cluster).
     */
    channel(community: string, topic: BusTopic = 'community'): string {
      if (topic === 'community') return `${prefix}${community}:bus`;
      if (topic === 'agents') return `${prefix}${community}:bus:agents`;
      return `${prefix}${community}:bus:{${topic.conversationId}}`;
    },
  };
}

export type Keys = ReturnType<typeof createKeys>;

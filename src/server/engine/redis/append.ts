import { newEpoch } from '../../store/ids.js';
import type { NewMessage } from '../../store/types.js';
import { createRecentMap } from '../recent-map.js';
import { messageBytes } from './budget.js';
import { luaScript, usesShardedPubSub, type RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { ConversationKeys, Keys } from './keys.js';
import type { RedisRetention } from './retention-types.js';
import { APPEND_MESSAGE } from './scripts.js';

const appendScript = luaScript(APPEND_MESSAGE);

/** How many conversations' owners an instance remembers (the most recently used; about 2 MB at most). */
export const OWNER_CACHE_SIZE = 10_000;

/** The append script's answer (APPEND_MESSAGE), once its owner was the one given. */
export type AppendReply = [created: 1, json: string, owner: string, key?: string] | [created: 0, json: string, remembered?: string] | null;

/**
 * The append script's call (ConversationStore.appendMessage). On one node
 * (standalone, Sentinel) the script charges the community's budget and the
 * owner address's quota in the same step (issue 22: a charge apart could be
 * lost), and puts the conversation at the top of the agent list (one command
 * per append, not two). It needs the owner's key, so each instance
 * remembers the owner of the conversations it wrote to: an owner is given at
 * creation and never changes, so what is known stays true. One unknown or
 * forgotten costs one more call (the script answers which owner it is and
 * does nothing), never a wrong charge. On a Cluster the budget and the agent
 * list are other slots: `chargesInScript` is false, and the store writes both apart.
 */
export function createAppend(client: RedisClient, guard: Guard, keys: Keys, retention: RedisRetention) {
  const ttl = String(Math.max(1000, Math.round(retention.conversationIdleMs)));
  const sharded = usesShardedPubSub(client);
  const chargesInScript = !('isCluster' in client && client.isCluster);
  const owners = createRecentMap<string>(OWNER_CACHE_SIZE);
  const learn = (id: string, owner: string | undefined): void => {
    if (chargesInScript && owner && owners.get(id) !== owner) owners.set(id, owner);
  };

  /** One call, with the owner this instance believes the conversation has ('' none or not known). */
  function call(community: string, conversationId: string, conversation: ConversationKeys, input: NewMessage, owner: string, extra: { keys: string[]; args: (string | number)[] }) {
    const budget = keys.budget(community);
    const budgetKeys = chargesInScript ? [budget.live, budget.bytes, keys.recent(community), ...(owner === '' ? [] : [budget.owner(owner)])] : [];
    return guard(
      () =>
        appendScript(client, [...conversation.all, ...budgetKeys, ...extra.keys], [
          input.author,
          input.clientId ?? '',
          input.body,
          input.createdAt,
          crypto.randomUUID(),
          retention.maxMessagesPerConversation,
          retention.maxClientIdsPerConversation,
          ttl,
          newEpoch(),
          input.agent === undefined ? '' : JSON.stringify(input.agent),
          keys.channel(community, { conversationId }),
          keys.channel(community, 'agents'),
          sharded ? '1' : '0',
          chargesInScript ? messageBytes(input.body) : '',
          owner,
          ...extra.args,
        ]),
      { write: true },
    ) as Promise<AppendReply | [created: 2, owner: string]>;
  }

  return {
    /** Whether the append script charges the budget and marks the agent list in its own step (one node; not on a Cluster). */
    chargesInScript,
    /** Learns a conversation's owner from its record (upsertConversation). */
    learn,
    async append(community: string, conversationId: string, conversation: ConversationKeys, input: NewMessage, extra: { keys: string[]; args: (string | number)[] }): Promise<AppendReply> {
      let reply = await call(community, conversationId, conversation, input, owners.get(conversationId) ?? '', extra);
      if (reply !== null && reply[0] === 2) {
        // Not the owner this instance knew of (none yet): nothing was done. Again with its set, once: an owner never changes.
        learn(conversationId, reply[1]);
        reply = await call(community, conversationId, conversation, input, reply[1], extra);
        if (reply !== null && reply[0] === 2) throw new Error(`chatq: conversation ${conversationId.slice(0, 60)} changed its owner during an append`);
      }
      if (reply !== null && reply[0] === 1) learn(conversationId, reply[2]);
      return reply;
    },
  };
}

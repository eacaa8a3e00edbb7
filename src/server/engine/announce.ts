import { conversationCommunity } from '../store/ids.js';
import type { ConversationStore } from '../store/types.js';
import type { LiveBus } from './types.js';

/** Each announcing store → the store it wraps (underlyingStore). */
const origins = new WeakMap<object, ConversationStore>();

/**
 * An in-process store whose appends announce themselves (issue 21 item 4,
 * centrifuge's Broker.Publish): `appendMessage` records a new visitor message
 * as unread (reopening a closed conversation) and then publishes it on `bus`,
 * so no route pairs an append with a publish. The memory and SQLite engines
 * use it: their bus is this process's own, so nothing can see the message
 * before the announcement but this process. The Redis store does all three in
 * its append script instead (engine/redis/scripts.ts).
 *
 * A failed announcement does not fail the append: the message is stored, and
 * streams find it on their next read of the log.
 */
export function announcing(store: ConversationStore, bus: LiveBus): ConversationStore {
  const wrapped: ConversationStore = {
    ...bindAll(store),
    async appendMessage(conversationId, input) {
      const result = await store.appendMessage(conversationId, input);
      if (!result?.created) return result;
      // SPEC §11: unread for the agents, and a closed conversation reopens, before the agents hear of it.
      if (input.author === 'visitor') await store.noteVisitorMessage(conversationId, result.message.seq);
      const community = conversationCommunity(conversationId) ?? (await store.getConversation(conversationId))?.community;
      if (community !== undefined) await bus.publish(community, { type: 'message', conversationId, message: result.message }).catch(() => {});
      return result;
    },
  };
  origins.set(wrapped, underlyingStore(store));
  return wrapped;
}

/**
 * The store an announcing store wraps (itself for any other): two engines
 * made around one store of yours are one store for the community claim
 * (handler/community-claim.ts).
 */
export function underlyingStore(store: ConversationStore): ConversationStore {
  return origins.get(store) ?? store;
}

/** The store's methods bound to it: a store may be a class whose methods use `this`. */
function bindAll(store: ConversationStore): ConversationStore {
  const bound = {} as Record<string, unknown>;
  for (const name of methodNames(store)) bound[name] = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!.bind(store);
  return bound as unknown as ConversationStore;
}

function methodNames(store: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor' && typeof (store as Record<string, unknown>)[name] === 'function') names.add(name);
  }
  return [...names];
}

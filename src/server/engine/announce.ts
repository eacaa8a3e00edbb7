import { conversationCommunity } from '../store/ids.js';
import type { ConversationStore } from '../store/types.js';
import type { LocalBus } from './local-bus.js';
import { createRecentMap } from './recent-map.js';
import type { LiveBus } from './types.js';

/** How many conversations' epochs an announcing store remembers (the most recently used). */
export const EPOCH_CACHE_SIZE = 10_000;

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
 *
 * `fixedEpochs`: the store keeps each log's epoch from its creation (the
 * memory and SQLite stores never lose an acknowledged message). Then the
 * announcement carries the epoch, as the Redis append script's does
 * (BusListener), and a stream that is up to date sends the message without
 * reading the log (issue 22). Each conversation's epoch is read once and
 * remembered: it never changes, and no conversation id is used twice. A
 * store of your own may change epochs: its announcements carry none.
 */
export function announcing(store: ConversationStore, bus: LocalBus, fixedEpochs = false): ConversationStore {
  const epochs = createRecentMap<string>(EPOCH_CACHE_SIZE);
  const wrapped: ConversationStore = {
    ...bindAll(store),
    async appendMessage(conversationId, input) {
      const result = await store.appendMessage(conversationId, input);
      if (!result?.created) return result;
      // SPEC §11: unread for the agents, and a closed conversation reopens, before the agents hear of it.
      const noted = input.author === 'visitor' ? await store.noteVisitorMessage(conversationId, result.message.seq) : undefined;
      let epoch = fixedEpochs ? (noted?.epoch ?? epochs.get(conversationId)) : undefined;
      let community = conversationCommunity(conversationId);
      if (community === undefined || (fixedEpochs && epoch === undefined)) {
        const record = await store.getConversation(conversationId).catch(() => undefined);
        community ??= record?.community;
        if (fixedEpochs) epoch ??= record?.epoch;
      }
      if (epoch !== undefined) epochs.set(conversationId, epoch);
      const event = { type: 'message', conversationId, message: result.message } as const;
      if (community !== undefined) await bus.publish(community, event, epoch).catch(() => {});
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

import type { BusListener, BusSubscription, BusTopic, LiveBus } from './types.js';
import { topicsOf } from './topics.js';

type Listener = BusListener;
/** A topic's listeners: most conversation topics have one, held as it is (no Set per open conversation). */
type Listeners = Listener | Set<Listener>;

/** One community's topics: conversations by their id (no key string made per subscription), the named ones apart. */
interface Topics {
  readonly conversations: Map<string, Listeners>;
  readonly named: Map<string, Listeners>;
}

/** The local bus: a LiveBus whose publish also carries a message's epoch to its listeners. */
export interface LocalBus extends LiveBus {
  /**
   * As LiveBus.publish; `epoch`, for a message, is the log's epoch at that append (BusListener): the
   * engine's own store says it (engine/announce.ts), so streams need not read the log for it.
   */
  publish(community: string, event: Parameters<LiveBus['publish']>[1], epoch?: string): Promise<void>;
}

/**
 * The in-process bus of the memory and SQLite engines: events reach this
 * process's listeners of the event's topics, synchronously. A subscription is
 * live at once (`ready` is already resolved).
 */
export function createLocalBus(): LocalBus {
  const communities = new Map<string, Topics>();
  const ready = Promise.resolve();
  const table = (community: string, topic: BusTopic): Map<string, Listeners> | undefined => {
    const topics = communities.get(community);
    return topics && (typeof topic === 'string' ? topics.named : topics.conversations);
  };
  const keyOf = (topic: BusTopic): string => (typeof topic === 'string' ? topic : topic.conversationId);
  return {
    async publish(community, event, epoch) {
      for (const topic of topicsOf(event)) {
        const found = table(community, topic)?.get(keyOf(topic));
        if (found === undefined) continue;
        for (const listener of found instanceof Set ? [...found] : [found]) {
          try {
            listener(event, event.type === 'message' ? epoch : undefined);
          } catch {
            // One broken listener must not keep the event from the others.
          }
        }
      }
    },
    subscribe(community, listener, topic = 'community') {
      if (!communities.has(community)) communities.set(community, { conversations: new Map(), named: new Map() });
      const map = table(community, topic)!;
      const key = keyOf(topic);
      const found = map.get(key);
      if (found === undefined) map.set(key, listener);
      else if (found instanceof Set) found.add(listener);
      else map.set(key, new Set([found, listener]));
      let held = true;
      const unsubscribe = (): void => {
        if (!held) return;
        held = false;
        const now = map.get(key);
        if (now === listener) map.delete(key);
        else if (now instanceof Set && now.delete(listener) && now.size === 0) map.delete(key);
      };
      return Object.assign(unsubscribe, { ready }) satisfies BusSubscription;
    },
  };
}

import { topicKey, topicsOf } from './topics.js';
import type { BusEvent, BusSubscription, LiveBus } from './types.js';

type Listener = (event: BusEvent) => void;

/**
 * The in-process bus of the memory and SQLite engines: events reach this
 * process's listeners of the event's topics, synchronously. A subscription is
 * live at once (`ready` is already resolved).
 */
export function createLocalBus(): LiveBus {
  const listeners = new Map<string, Set<Listener>>(); // community \0 topic → listeners
  const ready = Promise.resolve();
  return {
    async publish(community, event) {
      for (const topic of topicsOf(event)) {
        for (const listener of [...(listeners.get(`${community}\0${topicKey(topic)}`) ?? [])]) {
          try {
            listener(event);
          } catch {
            // One broken listener must not keep the event from the others.
          }
        }
      }
    },
    subscribe(community, listener, topic = 'community') {
      const key = `${community}\0${topicKey(topic)}`;
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(listener);
      const unsubscribe = (): void => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
      };
      return Object.assign(unsubscribe, { ready }) satisfies BusSubscription;
    },
  };
}

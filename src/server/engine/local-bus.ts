import type { BusEvent, LiveBus } from './types.js';

/** The memory engine's bus: events reach this process's listeners, synchronously. */
export function createLocalBus(): LiveBus {
  const listeners = new Map<string, Set<(event: BusEvent) => void>>();
  return {
    async publish(community, event) {
      for (const listener of [...(listeners.get(community) ?? [])]) {
        try {
          listener(event);
        } catch {
          // One broken listener must not keep the event from the others.
        }
      }
    },
    subscribe(community, listener) {
      let set = listeners.get(community);
      if (!set) listeners.set(community, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(community);
      };
    },
  };
}

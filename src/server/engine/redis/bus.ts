import type { BusEvent, LiveBus } from '../types.js';
import type { RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';

type Listener = (event: BusEvent) => void;

/**
 * Live delivery over Redis pub/sub (SPEC §8): one channel per community,
 * one subscriber connection per engine. Pub/sub drops what is published while
 * a connection is down, so each time the subscriber is ready again (after
 * the first time) every listener gets `resync` and re-reads the log: a lost
 * notification delays a message, never loses it.
 *
 * On a Cluster created with `shardedSubscribers: true` it uses sharded pub/sub
 * (SPUBLISH/SSUBSCRIBE, Redis ≥ 7), so a community's events stay on one shard.
 */
export function createRedisBus(client: RedisClient, guard: Guard, subscriber: RedisClient, keys: Keys): LiveBus & { close(): void } {
  const listeners = new Map<string, Set<Listener>>(); // channel → listeners
  const sharded = 'isCluster' in client && client.isCluster && (client.options as { shardedSubscribers?: boolean }).shardedSubscribers === true;
  let readyBefore = false;

  const onMessage = (channel: string, payload: string): void => {
    const set = listeners.get(channel);
    if (!set) return;
    let event: BusEvent;
    try {
      event = JSON.parse(payload) as BusEvent;
    } catch {
      return;
    }
    for (const listener of [...set]) deliver(listener, event);
  };
  const onReady = (): void => {
    // Subscribe on every ready, the first one too: a SUBSCRIBE asked while Redis was down at start is
    // dropped (the subscriber fails queued commands), and ioredis re-subscribes only what succeeded.
    // Twice is harmless.
    for (const channel of listeners.keys()) void subscribe(channel);
    // Pub/sub dropped whatever was published meanwhile: every stream re-reads what it may have missed.
    if (readyBefore) for (const set of listeners.values()) for (const listener of [...set]) deliver(listener, { type: 'resync' });
    readyBefore = true;
  };
  subscriber.on(sharded ? 'smessage' : 'message', onMessage);
  subscriber.on('ready', onReady);
  if (subscriber.status === 'ready') readyBefore = true;

  function subscribe(channel: string): Promise<unknown> {
    return (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel)).catch(() => {
      // Not connected: onReady subscribes again.
    });
  }

  return {
    async publish(community, event) {
      const channel = keys.channel(community);
      const payload = JSON.stringify(event);
      await guard(() => (sharded ? client.spublish(channel, payload) : client.publish(channel, payload)));
    },
    subscribe(community, listener) {
      const channel = keys.channel(community);
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        void subscribe(channel);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size > 0 || listeners.get(channel) !== set) return;
        listeners.delete(channel);
        void (sharded ? subscriber.sunsubscribe(channel) : subscriber.unsubscribe(channel)).catch(() => {});
      };
    },
    close() {
      subscriber.off(sharded ? 'smessage' : 'message', onMessage);
      subscriber.off('ready', onReady);
      listeners.clear();
    },
  };
}

function deliver(listener: Listener, event: BusEvent): void {
  try {
    listener(event);
  } catch {
    // One broken listener must not keep the event from the others.
  }
}

import { topicsOf } from '../topics.js';
import type { BusEvent, BusListener, BusSubscription, BusTopic, LiveBus } from '../types.js';
import { usesShardedPubSub, type RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';
import { orderMessage } from './message.js';

type Listener = BusListener;

/**
 * One channel this instance listens to: its listeners (most channels, a
 * conversation's, have one: held as it is, a Set only from the second on;
 * issue 22 item 4), whether it is a sharded one, and when it went live.
 */
interface Channel {
  listeners: Listener | Set<Listener>;
  readonly sharded: boolean;
  readonly ready: Promise<void>;
}

const listenersOf = (channel: Channel): Listener[] => (channel.listeners instanceof Set ? [...channel.listeners] : [channel.listeners]);

/**
 * Live delivery over Redis pub/sub (SPEC §8), a channel per topic
 * (keys.channel): a conversation's channel reaches only the instances that
 * hold a stream of it (issue 22 item 3), the agents' channel the instances
 * that hold an agent stream, the community's every instance (presence). An
 * instance SUBSCRIBEs to a channel while it has a listener there and
 * UNSUBSCRIBEs when the last one leaves, on one subscriber connection.
 *
 * Pub/sub drops what is published while a connection is down, or before a
 * SUBSCRIBE took effect: `ready` says when a subscription is live (the
 * listener then reads the log, where everything published before is), and
 * each time the subscriber is ready again every listener gets `resync` and
 * re-reads the log: a lost notification delays a message, never loses it.
 *
 * On a Cluster created with `shardedSubscribers: true` the community and
 * conversation channels are sharded (SPUBLISH/SSUBSCRIBE, Redis ≥ 7): a
 * conversation's events stay on its own slot's shard. The agents' channel is
 * plain pub/sub there: the append script, running on the conversation's slot,
 * publishes to it too (a sharded one would be another slot).
 */
export function createRedisBus(client: RedisClient, guard: Guard, subscriber: RedisClient, keys: Keys): LiveBus & { close(): void } {
  const channels = new Map<string, Channel>();
  const sharded = usesShardedPubSub(client);
  const isSharded = (topic: BusTopic): boolean => sharded && topic !== 'agents';
  let readyBefore = false;
  /** A subscription was taken as live before Redis confirmed it: the next `ready` owes every listener a resync. */
  let owed = false;

  const onMessage = (channel: string, payload: string): void => {
    const found = channels.get(channel);
    if (!found) return;
    const parsed = parse(payload);
    if (parsed) for (const listener of listenersOf(found)) deliver(listener, parsed.event, parsed.epoch);
  };
  const onReady = (): void => {
    // Pub/sub dropped whatever was published meanwhile: every stream re-reads what it may have missed,
    // once its channel's SUBSCRIBE is confirmed (a re-read before it could miss what is published between).
    const resync = readyBefore || owed;
    readyBefore = true;
    owed = false;
    // Subscribe on every ready, the first one too: a SUBSCRIBE asked while Redis was down at start is
    // dropped (the subscriber fails queued commands), and ioredis re-subscribes only what succeeded.
    // Twice is harmless.
    for (const [name, channel] of channels) {
      void ask(name, channel.sharded).then((live) => {
        if (!resync || !live || channels.get(name) !== channel) return;
        for (const listener of listenersOf(channel)) deliver(listener, { type: 'resync' });
      });
    }
  };
  subscriber.on('message', onMessage);
  if (sharded) subscriber.on('smessage', onMessage);
  subscriber.on('ready', onReady);
  if (subscriber.status === 'ready') readyBefore = true;

  /** SUBSCRIBEs; answers whether Redis confirmed it. */
  function ask(name: string, shardedChannel: boolean): Promise<boolean> {
    return (shardedChannel ? subscriber.ssubscribe(name) : subscriber.subscribe(name)).then(
      () => true,
      () => {
        // Not connected: onReady subscribes again and sends resync.
        owed = true;
        return false;
      },
    );
  }

  /**
   * SUBSCRIBEs to a new channel; live once Redis confirms. While the connection is not ready, the
   * subscription waits for it, but no longer than the connection's next failure: then it counts as
   * live, and `resync` comes when the subscriber is ready again.
   */
  function open(name: string, shardedChannel: boolean, listener: Listener): Channel {
    const asked = ask(name, shardedChannel).then(() => {});
    if (subscriber.status === 'ready') return { listeners: listener, sharded: shardedChannel, ready: asked };
    const ready = new Promise<void>((resolve) => {
      const down = (): void => {
        owed = true;
        settle();
      };
      const settle = (): void => {
        subscriber.off('close', down);
        subscriber.off('end', down);
        resolve();
      };
      subscriber.once('close', down);
      subscriber.once('end', down);
      void asked.then(settle);
    });
    return { listeners: listener, sharded: shardedChannel, ready };
  }

  return {
    async publish(community, event) {
      const payload = JSON.stringify(event);
      await guard(() =>
        Promise.all(
          topicsOf(event).map((topic) => {
            const channel = keys.channel(community, topic);
            return isSharded(topic) ? client.spublish(channel, payload) : client.publish(channel, payload);
          }),
        ),
      );
    },
    subscribe(community, listener, topic = 'community') {
      const name = keys.channel(community, topic);
      let channel = channels.get(name);
      if (!channel) channels.set(name, (channel = open(name, isSharded(topic), listener)));
      else if (channel.listeners instanceof Set) channel.listeners.add(listener);
      else if (channel.listeners !== listener) channel.listeners = new Set([channel.listeners, listener]);
      const held = channel;
      const unsubscribe = (): void => {
        if (channels.get(name) !== held) return;
        const { listeners } = held;
        if (listeners instanceof Set ? !listeners.delete(listener) || listeners.size > 0 : listeners !== listener) return;
        channels.delete(name);
        void (held.sharded ? subscriber.sunsubscribe(name) : subscriber.unsubscribe(name)).catch(() => {});
      };
      return Object.assign(unsubscribe, { ready: channel.ready }) satisfies BusSubscription;
    },
    close() {
      subscriber.off('message', onMessage);
      subscriber.off('smessage', onMessage);
      subscriber.off('ready', onReady);
      channels.clear();
    },
  };
}

/**
 * An event off the wire; a message's fields in the memory engine's order (the append script's cjson
 * has its own), and the log's epoch the append script adds beside it (BusListener), kept apart.
 */
function parse(payload: string): { event: BusEvent; epoch?: string } | undefined {
  try {
    const event = JSON.parse(payload) as BusEvent & { epoch?: unknown };
    if (event.type !== 'message') return { event };
    const message: BusEvent = { type: 'message', conversationId: event.conversationId, message: orderMessage(event.message) };
    return typeof event.epoch === 'string' ? { event: message, epoch: event.epoch } : { event: message };
  } catch {
    return undefined;
  }
}

function deliver(listener: Listener, event: BusEvent, epoch?: string): void {
  try {
    listener(event, epoch);
  } catch {
    // One broken listener must not keep the event from the others.
  }
}

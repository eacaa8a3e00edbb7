/**
 * createRedisBus (SPEC §8 "Live delivery rides pub/sub") on a real
 * redis-server: a channel per topic, SUBSCRIBE while a listener is there and
 * UNSUBSCRIBE when the last leaves, messages off the wire in the memory
 * engine's order with their epoch apart, and `resync` to every listener when
 * the subscriber is back after a gap.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../../../src/server/engine/redis/bus.js';
import { freePort } from '../../../helpers/redis.js';
import { messageEvent as message, one, recorder, two } from '../bus-events.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const opened: Redis[] = [];
afterEach(() => {
  for (const connection of opened.splice(0)) connection.disconnect();
});

/** A bus on fresh keys with its own subscriber connection (`subscriber` to point it elsewhere). */
function setUp(subscriber = new Redis(redis.server.url)) {
  subscriber.on('error', () => {});
  opened.push(subscriber);
  const { keys } = redis.fresh();
  return { keys, subscriber, bus: createRedisBus(redis.client, redis.guard, subscriber, keys) };
}

/** Waits for the state to hold (delivery is asynchronous), however loaded the machine. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The channels this Redis has subscribers on, under the prefix of `keys`. */
async function channels(prefix: string): Promise<string[]> {
  return ((await redis.client.pubsub('CHANNELS', `${prefix}*`)) as string[]).sort();
}

describe('Redis bus', () => {
  it('delivers an event to the listeners of its topics once their subscriptions are ready, and to no other', async () => {
    const { bus } = setUp();
    const [conversation, other, agents, community] = [recorder(), recorder(), recorder(), recorder()];
    await Promise.all([
      bus.subscribe('acme', conversation.listener, { conversationId: one }).ready,
      bus.subscribe('acme', other.listener, { conversationId: two }).ready,
      bus.subscribe('acme', agents.listener, 'agents').ready,
      bus.subscribe('acme', community.listener).ready,
    ]);
    await bus.publish('acme', message(one));
    await bus.publish('acme', { type: 'presence', instance: 'i1', agents: [], ttlMs: 1000 });
    await until(() => community.heard.length === 1 && agents.heard.length === 1 && conversation.heard.length === 1);
    expect(conversation.heard).toEqual([[message(one), undefined]]);
    expect(agents.heard).toEqual([[message(one), undefined]]);
    expect(community.heard.map(([event]) => event.type)).toEqual(['presence']);
    expect(other.heard).toEqual([]);
  });

  it('subscribes once per channel, and unsubscribes when its last listener leaves', async () => {
    const { bus, keys } = setUp();
    const prefix = keys.channel('acme').slice(0, -'acme:bus'.length);
    const first = bus.subscribe('acme', () => {}, 'agents');
    const second = bus.subscribe('acme', () => {}, 'agents');
    await Promise.all([first.ready, second.ready]);
    expect(await channels(prefix)).toEqual([keys.channel('acme', 'agents')]);
    first();
    first();
    expect(await channels(prefix)).toEqual([keys.channel('acme', 'agents')]);
    second();
    await until(async () => (await channels(prefix)).length === 0);
  });

  it('hands a message over in the memory engine\'s field order, the append script\'s epoch apart', async () => {
    const { bus, keys } = setUp();
    const { heard, listener } = recorder();
    await bus.subscribe('acme', listener, { conversationId: one }).ready;
    // As the append script publishes it: cjson's own field order, the epoch beside the message.
    const payload = `{"type":"message","conversationId":"${one}","message":{"createdAt":1,"body":"hi","author":"visitor","seq":1,"id":"m1"},"epoch":"e7"}`;
    await redis.client.publish(keys.channel('acme', { conversationId: one }), payload);
    await until(() => heard.length === 1);
    expect(JSON.stringify(heard[0]![0])).toBe(JSON.stringify(message(one)));
    expect(heard[0]![1]).toBe('e7');
  });

  it('skips a payload that is not JSON, and a listener that throws keeps no event from the others', async () => {
    const { bus, keys } = setUp();
    const { heard, listener } = recorder();
    bus.subscribe('acme', () => {
      throw new Error('broken listener');
    }, 'agents');
    await bus.subscribe('acme', listener, 'agents').ready;
    await redis.client.publish(keys.channel('acme', 'agents'), '{not json');
    await bus.publish('acme', { type: 'conversation', conversationId: one });
    await until(() => heard.length === 1);
    expect(heard).toEqual([[{ type: 'conversation', conversationId: one }, undefined]]);
  });

  it('sends every listener resync when the subscriber is back, and is subscribed again', async () => {
    const { bus, subscriber } = setUp();
    const [agents, conversation] = [recorder(), recorder()];
    await bus.subscribe('acme', agents.listener, 'agents').ready;
    await bus.subscribe('acme', conversation.listener, { conversationId: one }).ready;
    subscriber.disconnect(true);
    await until(() => agents.heard.length === 1 && conversation.heard.length === 1);
    expect([agents.heard[0]![0], conversation.heard[0]![0]]).toEqual([{ type: 'resync' }, { type: 'resync' }]);
    // resync comes once the SUBSCRIBE is confirmed: a single publish right after it arrives (a re-read
    // on resync misses nothing published after it).
    await bus.publish('acme', message(one));
    await until(() => conversation.heard.length > 1);
    expect(conversation.heard[1]![0]).toEqual(message(one));
  });

  it('sends resync after a gap only once its channel is subscribed again, never before', async () => {
    const { bus, subscriber } = setUp();
    const conversation = recorder();
    await bus.subscribe('acme', conversation.listener, { conversationId: one }).ready;
    // Redis confirms the bus's next SUBSCRIBE only when the test says so.
    let confirm!: () => void;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    const subscribe = subscriber.subscribe.bind(subscriber) as (channel: string) => Promise<unknown>;
    Object.assign(subscriber, { subscribe: (channel: string) => subscribe(channel).then(async (count) => (await confirmed, count)) });
    subscriber.disconnect(true);
    await new Promise((resolve) => subscriber.once('ready', resolve));
    // The bus heard 'ready' first (its listener came first): a resync now would come before the SUBSCRIBE.
    expect(conversation.heard).toEqual([]);
    confirm();
    await until(() => conversation.heard.length === 1);
    expect(conversation.heard[0]![0]).toEqual({ type: 'resync' });
  });

  it('resolves ready while the subscriber cannot connect: it never rejects', async () => {
    const nowhere = new Redis(`redis://127.0.0.1:${await freePort()}`, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const { bus } = setUp(nowhere);
    const subscription = bus.subscribe('acme', () => {}, 'agents');
    await expect(subscription.ready).resolves.toBeUndefined();
  });

  it('hears nothing more after close', async () => {
    const { bus, keys } = setUp();
    const { heard, listener } = recorder();
    await bus.subscribe('acme', listener, 'agents').ready;
    bus.close();
    await redis.client.publish(keys.channel('acme', 'agents'), JSON.stringify({ type: 'conversation', conversationId: one }));
    // A second subscriber on the same channel hears it: by then the closed bus's would have too.
    const witness = new Redis(redis.server.url);
    opened.push(witness);
    let seen = false;
    witness.on('message', () => (seen = true));
    await witness.subscribe(keys.channel('acme', 'agents'));
    await until(async () => {
      await redis.client.publish(keys.channel('acme', 'agents'), JSON.stringify({ type: 'conversation', conversationId: one }));
      return seen;
    });
    expect(heard).toEqual([]);
  });
});

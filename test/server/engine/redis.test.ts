import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { isEngineError, type Engine } from '../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import { createKeys } from '../../../src/server/engine/redis/keys.js';
import { startRedis, startRedisCluster, type RedisClusterInstance, type RedisInstance } from '../../helpers/redis.js';
import { describeEngineContract, identity } from './contract.js';

let redis: RedisInstance;
let cluster: RedisClusterInstance;
beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster(3)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

/** Each test gets its own key prefix: a clean backend without restarting Redis. */
const prefixes = new WeakMap<object, string>();
const freshPrefix = () => `t${Math.random().toString(36).slice(2)}:`;

describeEngineContract('redis', {
  async make(options) {
    const keyPrefix = freshPrefix();
    const engine = createRedisEngine({ url: redis.url }, { keyPrefix, retention: { ...options } });
    prefixes.set(engine, keyPrefix);
    return engine;
  },
  async sibling(engine, options) {
    return createRedisEngine({ url: redis.url }, { keyPrefix: prefixes.get(engine)!, retention: { ...options } });
  },
});

describeEngineContract('redis cluster (3 masters, sharded pub/sub)', {
  async make(options) {
    const keyPrefix = freshPrefix();
    const client = new Cluster(cluster.nodes, { shardedSubscribers: true });
    const engine = createRedisEngine({ client }, { keyPrefix, retention: { ...options } });
    const made = { ...engine, close: async () => (await engine.close(), client.disconnect()) };
    prefixes.set(made, keyPrefix);
    return made;
  },
  async sibling(engine, options) {
    const client = new Cluster(cluster.nodes, { shardedSubscribers: true });
    const made = createRedisEngine({ client }, { keyPrefix: prefixes.get(engine)!, retention: { ...options } });
    return { ...made, close: async () => (await made.close(), client.disconnect()) };
  },
});

/**
 * The address quota on Redis (issue 22): the owner's set only names candidates. On a Cluster the charge
 * is a step apart from the append and may be lost; an active conversation then looks idle there, and
 * must not be the one given back. Real time: idleness is judged on the server's clock.
 */
describe.each([
  ['redis', () => new Redis(redis.url)],
  ['redis cluster (3 masters)', () => new Cluster(cluster.nodes)],
] as const)('address quota on %s: a lost charge', (_name, connect) => {
  const retention = { maxConversationsPerAddress: 2, evictIdleAfterMs: 300 };
  const ADDRESS = '198.51.100.9';
  let client: Redis | Cluster;
  let engine: Engine;
  let owner: string;
  beforeEach(() => {
    const keyPrefix = freshPrefix();
    client = connect();
    engine = createRedisEngine({ client }, { keyPrefix, retention });
    owner = createKeys(keyPrefix).budget('acme').owner(ADDRESS);
  });
  afterEach(async () => {
    await engine.close();
    client.disconnect();
  });

  /** Two conversations of the address, written in, then idle past evictIdleAfterMs; `active` gets a message now whose charge is lost. */
  async function twoIdleThenOneActive(): Promise<{ idle: string; active: string; idleScore: number }> {
    const { store } = engine;
    const ids: string[] = [];
    for (const name of ['idle', 'active']) {
      const { id } = await store.upsertConversation('acme', `browser:${name}`, identity(name), Date.now(), ADDRESS);
      await store.appendMessage(id, { author: 'visitor', body: 'hello', createdAt: Date.now() });
      ids.push(id);
    }
    const [idle, active] = ids as [string, string];
    await new Promise((resolve) => setTimeout(resolve, 400));
    await store.appendMessage(active, { author: 'visitor', body: 'still here', createdAt: Date.now() });
    // The lost charge: the owner's set keeps an old score, the oldest of the address's.
    const idleScore = Number(await client.zscore(owner, idle));
    await client.zadd(owner, idleScore - 1, active);
    return { idle, active, idleScore };
  }

  it('gives back the idle conversation, never the active one its set shows as the oldest', async () => {
    const { idle, active } = await twoIdleThenOneActive();
    const fresh = await engine.store.upsertConversation('acme', 'browser:new', identity('new'), Date.now(), ADDRESS);
    expect(fresh.lastSeq).toBe(0);
    expect(await engine.store.getConversation(active)).toBeDefined();
    expect(await engine.store.listMessages(active)).toHaveLength(2);
    expect(await engine.store.getConversation(idle)).toBeUndefined();
    // Its score is put back: it is no longer the set's oldest.
    expect(Number(await client.zscore(owner, active))).toBeGreaterThan(Date.now());
  }, 20_000);

  it('refuses the address rather than give back an active conversation when no other is idle', async () => {
    const { idle, active, idleScore } = await twoIdleThenOneActive();
    await engine.store.appendMessage(idle, { author: 'visitor', body: 'back too', createdAt: Date.now() });
    await client.zadd(owner, idleScore - 2, idle);
    const refused = await engine.store.upsertConversation('acme', 'browser:new', identity('new'), Date.now(), ADDRESS).then(
      () => 'stored',
      (error: unknown) => (isEngineError(error) ? error.code : String(error)),
    );
    expect(refused).toBe('ERR_CAPACITY');
    expect(await engine.store.listMessages(active)).toHaveLength(2);
    expect(await engine.store.listMessages(idle)).toHaveLength(2);
  }, 20_000);
});

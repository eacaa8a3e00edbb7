import { afterAll, beforeAll } from 'vitest';
import { Cluster } from 'ioredis';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import { startRedis, startRedisCluster, type RedisClusterInstance, type RedisInstance } from '../../helpers/redis.js';
import { describeEngineContract } from './contract.js';

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

/** The SPEC §11 engine contract on the memory engine and on a real redis-server (state-contract.ts). */
import { afterAll, beforeAll } from 'vitest';
import { createMemoryEngine } from '../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import { startRedis, type RedisInstance } from '../../helpers/redis.js';
import { describeStateContract } from './state-contract.js';

describeStateContract('memory', {
  make: async (options) => createMemoryEngine(options),
  async sibling(engine) {
    // One process: a second handler shares the engine itself.
    return { ...engine, close: async () => {} };
  },
});

let redis: RedisInstance;
beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await redis.stop();
}, 30_000);

const prefixes = new WeakMap<Engine, string>();
describeStateContract('redis', {
  async make(options) {
    const keyPrefix = `state${crypto.randomUUID().slice(0, 8)}:`;
    const engine = createRedisEngine({ url: redis.url }, { keyPrefix, retention: { ...options } });
    prefixes.set(engine, keyPrefix);
    return engine;
  },
  async sibling(engine, options) {
    return createRedisEngine({ url: redis.url }, { keyPrefix: prefixes.get(engine)!, retention: { ...options } });
  },
});

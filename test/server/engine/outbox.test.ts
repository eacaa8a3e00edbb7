import { afterAll, beforeAll } from 'vitest';
import { createMemoryEngine } from '../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import { startRedis, type RedisInstance } from '../../helpers/redis.js';
import { describeOutboxContract } from './outbox-contract.js';

let redis: RedisInstance;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

describeOutboxContract('memory', { make: async () => createMemoryEngine() });

describeOutboxContract('redis', {
  make: async () => createRedisEngine({ url: redis.url }, { keyPrefix: `t${Math.random().toString(36).slice(2)}:` }),
});

/**
 * Issue 16 HIGH 1: the engine fault contract on a real redis-server, put out
 * of memory (`maxmemory` below what it holds, `noeviction`) and paused
 * (`CLIENT PAUSE` past the 3 s command deadline). Before the fix, an append
 * during either fault left a rejected promise unhandled and the process exited.
 */
import { afterAll, beforeAll } from 'vitest';
import { createRedisEngine } from '../../../../src/server/engine/redis/index.js';
import { redisCommand, startRedis, type RedisInstance } from '../../../helpers/redis.js';
import { describeEngineFaultContract } from '../contract.js';

let redis: RedisInstance;
beforeAll(async () => {
  redis = await startRedis({ args: ['--maxmemory-policy', 'noeviction'] });
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const PAUSE_MS = 4_000;

describeEngineFaultContract('redis', {
  async make() {
    return createRedisEngine({ url: redis.url }, { keyPrefix: `f${Math.random().toString(36).slice(2)}:` });
  },
  async fault(kind) {
    if (kind === 'out-of-memory') await redisCommand(redis.port, ['CONFIG', 'SET', 'maxmemory', '1']);
    else await redisCommand(redis.port, ['CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL']);
  },
  async heal() {
    await redisCommand(redis.port, ['CONFIG', 'SET', 'maxmemory', '0'], PAUSE_MS + 2_000);
    await redisCommand(redis.port, ['CLIENT', 'UNPAUSE'], PAUSE_MS + 2_000);
  },
});

/**
 * An instance that starts while Redis is down gets live messages once Redis
 * is back (found by the fault soak, bench/soak/probe-late-subscribe.ts): the
 * SUBSCRIBE asked before the first `ready` was dropped, and nothing asked
 * again, so its streams only ever saw the log they read on connect.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import { startRedis, type RedisInstance } from '../../helpers/redis.js';

let redis: RedisInstance | undefined;
afterAll(async () => {
  await redis?.stop();
});

describe('the Redis bus subscribes once Redis answers, even when it was down at start', () => {
  it('a listener added while Redis is down hears what is published after it is back', async () => {
    redis = await startRedis();
    await redis.kill();
    const late = createRedisEngine({ url: redis.url }, { keyPrefix: 'late:' });
    const heard: BusEvent[] = [];
    const unsubscribe = late.bus.subscribe('shop', (event) => heard.push(event));
    // Long enough for the subscriber's first connection attempts to fail.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.restart();
    const publisher = createRedisEngine({ url: redis.url }, { keyPrefix: 'late:' });
    try {
      await expect
        .poll(
          async () => {
            await publisher.bus.publish('shop', { type: 'presence_query', instance: 'i1' });
            return heard.some((event) => event.type === 'presence_query');
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe(true);
    } finally {
      unsubscribe();
      await late.close();
      await publisher.close();
    }
  }, 60_000);
});

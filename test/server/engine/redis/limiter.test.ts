/**
 * The Redis engine's shared token buckets (SPEC §8 "Rate limits are shared"):
 * the memory engine's arithmetic on Redis' own clock, one bucket for every
 * instance.
 */
import { describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from '../../../../src/server/engine/redis/limiter.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();

function limiter() {
  const { keys } = redis.fresh();
  return { keys, limiter: createRedisRateLimiter(redis.client, redis.guard, keys) };
}

describe('Redis rate limiter', () => {
  it('lets a minute\'s burst through, then asks to wait for the next token', async () => {
    const { limiter: rate } = limiter();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await rate.take('acme:ip', 3, 0));
    // 3 per minute: the next token is at most 20 s away (Redis' clock moved on meanwhile).
    expect(answers.slice(0, 3)).toEqual([0, 0, 0]);
    expect(answers[3]).toBeGreaterThanOrEqual(1);
    expect(answers[3]).toBeLessThanOrEqual(20);
  });

  it('names the whole seconds to the next token, on a bucket whose time is ahead of the server (it never moves back)', async () => {
    const { keys, limiter: rate } = limiter();
    const [seconds] = await redis.client.time();
    // Half a token, an hour ahead: the bucket's own time is "now", so the wait is exact.
    await redis.client.hset(keys.bucket('acme:ip'), 't', '0.5', 'a', String((Number(seconds) + 3600) * 1000));
    expect(await rate.take('acme:ip', 3, 0)).toBe(10);
    expect(await redis.client.hget(keys.bucket('acme:ip'), 't')).toBe('0.5');
  });

  it('is one bucket for every instance, whatever clock each caller passes', async () => {
    const { keys, limiter: first } = limiter();
    const second = createRedisRateLimiter(redis.client, redis.guard, keys);
    expect(await first.take('acme:ip', 1, 0)).toBe(0);
    // A caller a day ahead gets no refill: the clock is the server's.
    expect(await second.take('acme:ip', 1, 86_400_000)).toBeGreaterThanOrEqual(1);
  });

  it('keeps its bucket under the prefix, with a two-minute life', async () => {
    const { keys, limiter: rate } = limiter();
    await rate.take('acme:ip', 10, 0);
    const bucket = keys.bucket('acme:ip');
    expect(await redis.client.hget(bucket, 't')).toBe('9');
    expect(await redis.client.pttl(bucket)).toBeGreaterThan(100_000);
  });

  it('answers an infinite limit and a limit of zero without touching Redis', async () => {
    const { keys, limiter: rate } = limiter();
    expect(await rate.take('acme:ip', Infinity, 0)).toBe(0);
    expect(await rate.take('acme:ip', 0, 0)).toBe(60);
    expect(await rate.take('acme:ip', -1, 0)).toBe(60);
    expect(await redis.client.exists(keys.bucket('acme:ip'))).toBe(0);
  });
});

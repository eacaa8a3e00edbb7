import type { RateLimiter } from '../types.js';
import { luaScript, type RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';
import { TAKE_TOKEN } from './scripts.js';

const takeScript = luaScript(TAKE_TOKEN);

/**
 * Shared token buckets (SPEC §8 "Rate limits are shared"): one script call per
 * take, with the memory engine's arithmetic, so a visitor meets the same
 * budget on one instance or ten, and on either engine. The clock is Redis'
 * (TIME in the script), not the caller's `now`: one clock for every instance.
 */
export function createRedisRateLimiter(client: RedisClient, guard: Guard, keys: Keys): RateLimiter {
  return {
    async take(key, perMinute) {
      if (!Number.isFinite(perMinute)) return 0;
      if (perMinute <= 0) return 60;
      return Number(await guard(() => takeScript(client, [keys.bucket(key)], [perMinute])));
    },
  };
}

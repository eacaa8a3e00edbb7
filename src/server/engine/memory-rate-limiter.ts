import type { RateLimiter } from './types.js';

/** One bucket: `tokens` as of `at` (ms). */
interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets not touched for this long are full again and can be forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The memory engine's token buckets (SPEC §6 "Abuse limits"), in this process
 * only. `now` is the caller's clock (ms), so a handler with a fake clock ages
 * its buckets consistently.
 */
export function createMemoryRateLimiter(): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let lastSweep = -Infinity;

  function sweep(at: number): void {
    if (at - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = at;
    for (const [key, bucket] of buckets) if (at - bucket.at >= SWEEP_INTERVAL_MS) buckets.delete(key);
  }

  return {
    take(key, perMinute, at) {
      if (!Number.isFinite(perMinute)) return 0;
      if (perMinute <= 0) return 60;
      sweep(at);
      const ratePerMs = perMinute / 60_000;
      // Updated in place: a request allocates nothing; only a new key adds a bucket.
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { tokens: perMinute, at }));
      // A bucket's time never moves backwards: callers whose clocks disagree cannot refill it by taking turns.
      if (at < bucket.at) at = bucket.at;
      const tokens = Math.min(perMinute, bucket.tokens + Math.max(0, at - bucket.at) * ratePerMs);
      bucket.at = at;
      if (tokens >= 1) {
        bucket.tokens = tokens - 1;
        return 0;
      }
      bucket.tokens = tokens;
      return Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
    },
  };
}

/** One bucket: `tokens` as of `at` (ms). */
interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiter {
  /** Takes one token from `key`'s bucket; returns 0 when allowed, else the seconds to wait (≥ 1). */
  take(key: string, perMinute: number): number;
}

/** Buckets not touched for this long are full again and can be forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Token buckets (SPEC §6 "Abuse limits"): each key holds up to `perMinute`
 * tokens and regains `perMinute` per minute, so a burst of one minute's worth
 * passes and a steady flood is cut to the configured rate. In-process only.
 */
export function createRateLimiter(now: () => number): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  function sweep(at: number): void {
    if (at - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = at;
    for (const [key, bucket] of buckets) if (at - bucket.at >= SWEEP_INTERVAL_MS) buckets.delete(key);
  }

  return {
    take(key, perMinute) {
      if (!Number.isFinite(perMinute)) return 0;
      if (perMinute <= 0) return 60;
      const at = now();
      sweep(at);
      const ratePerMs = perMinute / 60_000;
      const bucket = buckets.get(key) ?? { tokens: perMinute, at };
      const tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * ratePerMs);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at });
        return 0;
      }
      buckets.set(key, { tokens, at });
      return Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
    },
  };
}

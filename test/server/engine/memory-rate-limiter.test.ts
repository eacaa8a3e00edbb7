/**
 * The memory engine's token buckets (SPEC §6 "Abuse limits"): a minute's
 * worth passes at once, then one token per 60 000 / perMinute ms, on the
 * caller's clock, which never moves a bucket backwards.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../../src/server/engine/memory-rate-limiter.js';

/** Takes `count` tokens at `at` and returns the answers. */
function takeMany(limiter: ReturnType<typeof createMemoryRateLimiter>, key: string, perMinute: number, at: number, count: number): number[] {
  return Array.from({ length: count }, () => limiter.take(key, perMinute, at) as number);
}

describe('memory rate limiter', () => {
  it('lets a full minute\'s burst through, then names the whole seconds until the next token', () => {
    const limiter = createMemoryRateLimiter();
    expect(takeMany(limiter, 'acme:ip', 6, 0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    // 6 per minute: one token every 10 s.
    expect(limiter.take('acme:ip', 6, 0)).toBe(10);
    expect(limiter.take('acme:ip', 6, 4_000)).toBe(6);
    expect(limiter.take('acme:ip', 6, 9_999)).toBe(1);
    expect(limiter.take('acme:ip', 6, 10_000)).toBe(0);
    expect(limiter.take('acme:ip', 6, 10_000)).toBe(10);
  });

  it('refills at most to the bucket\'s size, however long it rested', () => {
    const limiter = createMemoryRateLimiter();
    takeMany(limiter, 'k', 3, 0, 3);
    expect(takeMany(limiter, 'k', 3, 3_600_000, 4)).toEqual([0, 0, 0, 20]);
  });

  it('keeps each key\'s bucket apart', () => {
    const limiter = createMemoryRateLimiter();
    takeMany(limiter, 'a', 1, 0, 1);
    expect(limiter.take('a', 1, 0)).toBe(60);
    expect(limiter.take('b', 1, 0)).toBe(0);
  });

  it('never moves a bucket\'s time backwards: callers with clocks behind cannot refill it by taking turns', () => {
    const limiter = createMemoryRateLimiter();
    takeMany(limiter, 'k', 2, 100_000, 2);
    // A caller 60 s behind finds the bucket as empty as one at the bucket's own time.
    expect(limiter.take('k', 2, 40_000)).toBe(30);
    expect(limiter.take('k', 2, 100_000)).toBe(30);
    expect(limiter.take('k', 2, 130_000)).toBe(0);
  });

  it('allows everything for an infinite limit and waits a minute for a limit of zero or less', () => {
    const limiter = createMemoryRateLimiter();
    expect(takeMany(limiter, 'k', Infinity, 0, 1000).every((wait) => wait === 0)).toBe(true);
    expect(limiter.take('k', 0, 0)).toBe(60);
    expect(limiter.take('k', -5, 0)).toBe(60);
  });

  it('rounds a wait under a second up to one whole second', () => {
    const limiter = createMemoryRateLimiter();
    takeMany(limiter, 'k', 120, 0, 120);
    // 120 per minute: the next token is 500 ms away.
    expect(limiter.take('k', 120, 0)).toBe(1);
    expect(limiter.take('k', 120, 500)).toBe(0);
  });
});

/** support/retry.ts, SPEC §10 "Outages": an unreachable server is asked again with growing waits. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetry } from '../../../src/client/support/retry.js';

/** Fake timers, and the jitter at its shortest: the wait is half of base·2^attempt. Undone after each test. */
beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0);
  return () => void (vi.useRealTimers(), vi.restoreAllMocks());
});

describe('retrying with backoff', () => {
  it('waits twice as long each time it is asked, from 1 s', () => {
    const fn = vi.fn();
    const retry = createRetry(fn);
    for (const wait of [500, 1_000, 2_000]) {
      retry.later();
      vi.advanceTimersByTime(wait - 1);
      const before = fn.mock.calls.length;
      vi.advanceTimersByTime(1);
      expect(fn.mock.calls.length).toBe(before + 1);
    }
  });

  it('never waits past the cap of 30 s', () => {
    const fn = vi.fn();
    const retry = createRetry(fn);
    for (let i = 0; i < 20; i++) retry.later();
    retry.stop();
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    retry.later();
    vi.advanceTimersByTime(30_000);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('waits a Retry-After longer than the backoff', () => {
    const fn = vi.fn();
    createRetry(fn).later(10);
    vi.advanceTimersByTime(9_999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('replaces a retry already waiting, and runs none after stop', () => {
    const fn = vi.fn();
    const retry = createRetry(fn);
    retry.later();
    retry.later();
    vi.advanceTimersByTime(60_000);
    expect(fn).toHaveBeenCalledOnce();
    retry.later();
    retry.stop();
    vi.advanceTimersByTime(60_000);
    expect(fn).toHaveBeenCalledOnce();
  });
});

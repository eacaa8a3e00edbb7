/** support/timers.ts: wall-clock timers for waits longer than setTimeout holds, and backoff. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoff, MAX_TIMER_DELAY, runAt, validSeconds } from '../../../src/client/support/timers.js';

const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

beforeEach(() => vi.useFakeTimers({ now: START }));
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('running at a wall-clock time', () => {
  it('runs once at the time, not before', () => {
    const fn = vi.fn();
    runAt(START + 5_000, fn);
    vi.advanceTimersByTime(4_999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(DAY);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('runs at once for a time already past', () => {
    const fn = vi.fn();
    runAt(START - 1, fn);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('waits past setTimeout’s 24.8-day limit instead of firing at once', () => {
    const fn = vi.fn();
    runAt(START + 40 * DAY, fn);
    vi.advanceTimersByTime(MAX_TIMER_DELAY + 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(40 * DAY - MAX_TIMER_DELAY - 1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('re-reads the clock after each chunk: a laptop that slept past the time runs it at the next chunk', () => {
    const fn = vi.fn();
    runAt(START + 40 * DAY, fn);
    // The clock jumps (the machine slept) while no timer ran.
    vi.setSystemTime(START + 41 * DAY);
    vi.advanceTimersByTime(MAX_TIMER_DELAY);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('never runs for a time that is not finite', () => {
    const fn = vi.fn();
    runAt(Number.NaN, fn);
    runAt(Infinity, fn);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(DAY);
    expect(fn).not.toHaveBeenCalled();
  });

  it('does not run once cancelled', () => {
    const fn = vi.fn();
    const cancel = runAt(START + 1_000, fn);
    cancel();
    vi.advanceTimersByTime(DAY);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('a number of seconds', () => {
  it('is a finite number ≥ 0', () => {
    expect([0, 1.5, 3600].every(validSeconds)).toBe(true);
    expect([-1, Infinity, Number.NaN, '60', null, undefined].some(validSeconds)).toBe(false);
  });
});

describe('backoff', () => {
  it('is between half and all of base·2^attempt', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(backoff(3, 1_000, 30_000)).toBe(4_000);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(backoff(3, 1_000, 30_000)).toBe(6_000);
  });

  it('stays under the cap for any attempt', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    expect(backoff(50, 1_000, 30_000)).toBeLessThan(30_000);
    expect(backoff(50, 1_000, 30_000)).toBeGreaterThanOrEqual(15_000);
  });

  it('is 1 s doubling to 30 s unless told (the stream and the retries)', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(backoff(0)).toBe(500);
    expect(backoff(3)).toBe(4_000);
    expect(backoff(50)).toBe(15_000);
  });
});

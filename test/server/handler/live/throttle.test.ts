import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyedThrottle } from '../../../../src/server/handler/live/throttle.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function throttle(intervalMs = 1_000) {
  const fired: string[] = [];
  return { fired, throttle: new KeyedThrottle(intervalMs, (key) => fired.push(key)) };
}

describe('KeyedThrottle: at most one call per key per interval, never without the last', () => {
  it('fires a lone poke at once and nothing after its window', () => {
    const { fired, throttle: keyed } = throttle();
    keyed.poke('c1');
    expect(fired).toEqual(['c1']);
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual(['c1']);
  });

  it('folds a burst inside the window into one call when the window ends', () => {
    const { fired, throttle: keyed } = throttle();
    keyed.poke('c1');
    for (let i = 0; i < 50; i++) keyed.poke('c1');
    vi.advanceTimersByTime(999);
    expect(fired).toEqual(['c1']);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['c1', 'c1']);
  });

  it('opens the next window with the folded call: a steady stream costs one call per interval', () => {
    const { fired, throttle: keyed } = throttle();
    for (let t = 0; t < 3_000; t += 100) {
      keyed.poke('c1');
      vi.advanceTimersByTime(100);
    }
    // t=0 at once, then one at each window end (1 s, 2 s, 3 s).
    expect(fired).toHaveLength(4);
  });

  it('keeps keys apart: each has its own window, ended in the order they opened', () => {
    const { fired, throttle: keyed } = throttle();
    keyed.poke('a');
    vi.advanceTimersByTime(400);
    keyed.poke('b');
    keyed.poke('b');
    keyed.poke('a');
    expect(fired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(600);
    expect(fired).toEqual(['a', 'b', 'a']);
    vi.advanceTimersByTime(400);
    expect(fired).toEqual(['a', 'b', 'a', 'b']);
  });

  it('fires a poke after a quiet window at once again', () => {
    const { fired, throttle: keyed } = throttle();
    keyed.poke('c1');
    vi.advanceTimersByTime(1_000);
    keyed.poke('c1');
    expect(fired).toEqual(['c1', 'c1']);
  });

  it('forgets every window and waiting call on clear()', () => {
    const { fired, throttle: keyed } = throttle();
    keyed.poke('c1');
    keyed.poke('c1');
    keyed.clear();
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual(['c1']);
    keyed.poke('c1');
    expect(fired).toEqual(['c1', 'c1']);
  });
});

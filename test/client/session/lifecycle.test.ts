import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClock, type TokenClock, type ClockStatus } from '../../../src/client/session/lifecycle.js';
import { renewWith } from '../../../src/client/session/renewal.js';
import { MAX_TIMER_DELAY, runAt } from '../../../src/client/support/timers.js';
import { onWake } from '../../../src/client/support/wake.js';

const DAY = 86_400_000;

/** The token clock (what is left of the identity lifecycle; who the visitor is: session/machine.test.ts). */
function make(options: { renewBefore?: number; renew?: () => Promise<boolean> } = {}) {
  const changes: ClockStatus[] = [];
  const lifecycle = createClock({
    renewBefore: options.renewBefore ?? 300,
    onChange: (status) => changes.push(status),
  });
  if (options.renew) renewWith(lifecycle, options.renew);
  return { lifecycle, statuses: () => changes };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('token clock: idle → verified → expiring → expired', () => {
  it('walks every state at the right time (renewBefore 300 s)', () => {
    const { lifecycle, statuses } = make();
    expect(lifecycle.status).toBe('idle');
    const expiresAt = Date.now() + 3_600_000;
    lifecycle.start(expiresAt, Date.now());
    expect(lifecycle.status).toBe('verified');
    expect(statuses()).toEqual([]);
    vi.advanceTimersByTime(3_300_000 - 1);
    expect(lifecycle.status).toBe('verified');
    vi.advanceTimersByTime(1);
    expect([lifecycle.status, lifecycle.expiresAt]).toEqual(['expiring', expiresAt]);
    vi.advanceTimersByTime(300_000);
    expect(statuses()).toEqual(['expiring', 'expired']);
  });

  it('a new token while expiring starts over: verified, no second change told', () => {
    const { lifecycle, statuses } = make();
    lifecycle.start(Date.now() + 600_000, Date.now());
    vi.advanceTimersByTime(300_000);
    expect(lifecycle.status).toBe('expiring');
    lifecycle.start(Date.now() + 7_200_000, Date.now());
    expect(lifecycle.status).toBe('verified');
    expect(statuses()).toEqual(['expiring']);
  });

  it('never expires an identity without exp (unsigned)', () => {
    const { lifecycle } = make();
    lifecycle.start(undefined, Date.now());
    vi.advanceTimersByTime(400 * DAY);
    expect(lifecycle.status).toBe('verified');
  });

  it('stop() returns to idle and stops timers', () => {
    const { lifecycle, statuses } = make();
    lifecycle.start(Date.now() + 3_600_000, Date.now());
    lifecycle.stop();
    vi.advanceTimersByTime(2 * 3_600_000);
    expect(lifecycle.status).toBe('idle');
    expect(statuses()).toEqual([]);
  });

  it('expire() (a 401 ERR_SESSION_EXPIRED) means expired at once; an idle clock has nothing to expire', () => {
    const { lifecycle, statuses } = make();
    lifecycle.expire();
    expect(lifecycle.status).toBe('idle');
    lifecycle.start(Date.now() + 3_600_000, Date.now());
    lifecycle.expire();
    expect(lifecycle.status).toBe('expired');
    expect(statuses()).toEqual(['expired']);
  });
});

describe('lifetimes beyond setTimeout’s 24.8-day ceiling', () => {
  it('does not fire early for a 60-day token, and fires on time', () => {
    const { lifecycle } = make();
    const start = Date.now();
    lifecycle.start(start + 60 * DAY, start);
    vi.advanceTimersByTime(25 * DAY);
    expect(lifecycle.status).toBe('verified');
    vi.advanceTimersByTime(35 * DAY - 300_000 - 1);
    expect(lifecycle.status).toBe('verified');
    vi.advanceTimersByTime(1);
    expect(lifecycle.status).toBe('expiring');
    vi.advanceTimersByTime(300_000);
    expect(lifecycle.status).toBe('expired');
  });

  it('runAt() never arms a timer longer than 2^31-1 ms', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const fn = vi.fn();
    runAt(Date.now() + 100 * DAY, fn);
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(MAX_TIMER_DELAY);
    vi.advanceTimersByTime(100 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('server time (skew correction)', () => {
  it('uses the server clock: a server 10 minutes ahead means expiring 10 minutes earlier locally', () => {
    const { lifecycle } = make();
    const serverNow = Date.now() + 600_000;
    lifecycle.start(serverNow + 3_600_000, serverNow);
    expect(lifecycle.serverNow() - Date.now()).toBe(600_000);
    vi.advanceTimersByTime(3_300_000 - 1);
    expect(lifecycle.status).toBe('verified');
    vi.advanceTimersByTime(1);
    expect(lifecycle.status).toBe('expiring');
  });

  it('a server behind the local clock does not expire early', () => {
    const { lifecycle } = make();
    const serverNow = Date.now() - 3_000_000;
    lifecycle.start(serverNow + 3_600_000, serverNow);
    vi.advanceTimersByTime(3_599_000);
    expect(lifecycle.status).toBe('expiring');
    vi.advanceTimersByTime(1_000);
    expect(lifecycle.status).toBe('expired');
  });
});

describe('re-checks on wake-ups (sleeping laptops, background tabs)', () => {
  it('check() catches up when timers did not run (clock jumped)', () => {
    const { lifecycle } = make();
    lifecycle.start(Date.now() + 3_600_000, Date.now());
    vi.setSystemTime(Date.now() + 2 * 3_600_000); // the laptop slept: no timer ran
    expect(lifecycle.status).toBe('verified');
    lifecycle.check();
    expect(lifecycle.status).toBe('expired');
  });

  it.each([
    ['visibilitychange', () => document.dispatchEvent(new Event('visibilitychange'))],
    ['focus', () => window.dispatchEvent(new Event('focus'))],
    ['online', () => window.dispatchEvent(new Event('online'))],
  ])('onWake fires on %s, and stops after unsubscribe', (_name, dispatch) => {
    const fn = vi.fn();
    const stop = onWake(fn);
    dispatch();
    expect(fn).toHaveBeenCalledTimes(1);
    stop();
    dispatch();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('renewal', () => {
  it('calls renew on entering expiring; success stops the retries', async () => {
    let lifecycle!: TokenClock;
    const renew = vi.fn(async () => {
      lifecycle.start(Date.now() + 7_200_000, Date.now());
      return true;
    });
    ({ lifecycle } = make({ renew }));
    lifecycle.start(Date.now() + 600_000, Date.now());
    await vi.advanceTimersByTimeAsync(300_000);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(lifecycle.status).toBe('verified');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('retries a failing renew with growing backoff, also after expiry, until it succeeds', async () => {
    let lifecycle!: TokenClock;
    let failures = 4;
    const times: number[] = [];
    const renew = vi.fn(async () => {
      times.push(Date.now());
      if (failures-- > 0) throw new Error('token endpoint down');
      lifecycle.start(Date.now() + 7_200_000, Date.now());
      return true;
    });
    ({ lifecycle } = make({ renew, renewBefore: 10 }));
    lifecycle.start(Date.now() + 20_000, Date.now());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(renew).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200_000);
    expect(renew).toHaveBeenCalledTimes(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(2_500);
    expect(gaps[3]).toBeGreaterThan(gaps[0]!);
    expect(lifecycle.status).toBe('verified');
  });

  it('renews after waking up past expiry', async () => {
    const renew = vi.fn(async () => false);
    const { lifecycle } = make({ renew });
    lifecycle.start(Date.now() + 3_600_000, Date.now());
    vi.setSystemTime(Date.now() + 5 * 3_600_000);
    lifecycle.check();
    expect(lifecycle.status).toBe('expired');
    expect(renew).toHaveBeenCalledTimes(1);
  });
});

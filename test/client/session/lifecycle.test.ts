import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdentityLifecycle, type LifecycleState } from '../../../src/client/session/lifecycle.js';
import { MAX_TIMER_DELAY, runAt } from '../../../src/client/support/timers.js';
import { onWake } from '../../../src/client/support/wake.js';

const DAY = 86_400_000;

function make(options: { renewBefore?: number; renew?: () => Promise<boolean> } = {}) {
  const changes: LifecycleState[] = [];
  const lifecycle = new IdentityLifecycle({
    renewBefore: options.renewBefore ?? 300,
    onChange: (next) => changes.push(next),
    ...(options.renew && { renew: options.renew }),
  });
  return { lifecycle, statuses: () => changes.map((c) => c.status) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('identity lifecycle: anonymous → pending → verified → expiring → expired', () => {
  it('walks every state at the right time (renewBefore 300 s)', () => {
    const { lifecycle, statuses } = make();
    expect(lifecycle.state.status).toBe('anonymous');
    lifecycle.submit();
    const expiresAt = Date.now() + 3_600_000;
    lifecycle.verified(expiresAt, Date.now());
    expect(statuses()).toEqual(['pending', 'verified']);
    vi.advanceTimersByTime(3_300_000 - 1);
    expect(lifecycle.state.status).toBe('verified');
    vi.advanceTimersByTime(1);
    expect(lifecycle.state).toEqual({ status: 'expiring', expiresAt });
    vi.advanceTimersByTime(300_000);
    expect(statuses()).toEqual(['pending', 'verified', 'expiring', 'expired']);
  });

  it('goes to rejected when the first identity is refused', () => {
    const { lifecycle } = make();
    lifecycle.submit();
    lifecycle.rejected('ERR_JWT_EXPIRED');
    expect(lifecycle.state).toEqual({ status: 'rejected', code: 'ERR_JWT_EXPIRED' });
  });

  it('keeps a live session when a renewal is refused (no interruption)', () => {
    const { lifecycle } = make();
    lifecycle.submit();
    lifecycle.verified(Date.now() + 7_200_000, Date.now());
    lifecycle.submit();
    lifecycle.rejected('ERR_JWT_EXP_TOO_SOON');
    expect(lifecycle.state.status).toBe('verified');
  });

  it('never expires an identity without exp (unsigned)', () => {
    const { lifecycle } = make();
    lifecycle.submit();
    lifecycle.verified(undefined, Date.now());
    vi.advanceTimersByTime(400 * DAY);
    expect(lifecycle.state.status).toBe('verified');
  });

  it('reset() returns to anonymous and stops timers', () => {
    const { lifecycle, statuses } = make();
    lifecycle.submit();
    lifecycle.verified(Date.now() + 3_600_000, Date.now());
    lifecycle.reset();
    vi.advanceTimersByTime(2 * 3_600_000);
    expect(statuses()).toEqual(['pending', 'verified', 'anonymous']);
  });

  it('sessionExpired() (a 401 ERR_SESSION_EXPIRED) means expired at once', () => {
    const { lifecycle } = make();
    lifecycle.submit();
    lifecycle.verified(Date.now() + 3_600_000, Date.now());
    lifecycle.sessionExpired();
    expect(lifecycle.state.status).toBe('expired');
  });
});

describe('lifetimes beyond setTimeout’s 24.8-day ceiling', () => {
  it('does not fire early for a 60-day token, and fires on time', () => {
    const { lifecycle } = make();
    const start = Date.now();
    lifecycle.submit();
    lifecycle.verified(start + 60 * DAY, start);
    vi.advanceTimersByTime(25 * DAY);
    expect(lifecycle.state.status).toBe('verified');
    vi.advanceTimersByTime(35 * DAY - 300_000 - 1);
    expect(lifecycle.state.status).toBe('verified');
    vi.advanceTimersByTime(1);
    expect(lifecycle.state.status).toBe('expiring');
    vi.advanceTimersByTime(300_000);
    expect(lifecycle.state.status).toBe('expired');
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
    lifecycle.submit();
    lifecycle.verified(serverNow + 3_600_000, serverNow);
    expect(lifecycle.serverNow() - Date.now()).toBe(600_000);
    vi.advanceTimersByTime(3_300_000 - 1);
    expect(lifecycle.state.status).toBe('verified');
    vi.advanceTimersByTime(1);
    expect(lifecycle.state.status).toBe('expiring');
  });

  it('a server behind the local clock does not expire early', () => {
    const { lifecycle } = make();
    const serverNow = Date.now() - 3_000_000;
    lifecycle.submit();
    lifecycle.verified(serverNow + 3_600_000, serverNow);
    vi.advanceTimersByTime(3_599_000);
    expect(lifecycle.state.status).toBe('expiring');
    vi.advanceTimersByTime(1_000);
    expect(lifecycle.state.status).toBe('expired');
  });
});

describe('re-checks on wake-ups (sleeping laptops, background tabs)', () => {
  it('check() catches up when timers did not run (clock jumped)', () => {
    const { lifecycle } = make();
    lifecycle.submit();
    lifecycle.verified(Date.now() + 3_600_000, Date.now());
    vi.setSystemTime(Date.now() + 2 * 3_600_000); // the laptop slept: no timer ran
    expect(lifecycle.state.status).toBe('verified');
    lifecycle.check();
    expect(lifecycle.state.status).toBe('expired');
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
    let lifecycle!: IdentityLifecycle;
    const renew = vi.fn(async () => {
      lifecycle.verified(Date.now() + 7_200_000, Date.now());
      return true;
    });
    ({ lifecycle } = make({ renew }));
    lifecycle.submit();
    lifecycle.verified(Date.now() + 600_000, Date.now());
    await vi.advanceTimersByTimeAsync(300_000);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(lifecycle.state.status).toBe('verified');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('retries a failing renew with growing backoff, also after expiry, until it succeeds', async () => {
    let lifecycle!: IdentityLifecycle;
    let failures = 4;
    const times: number[] = [];
    const renew = vi.fn(async () => {
      times.push(Date.now());
      if (failures-- > 0) throw new Error('token endpoint down');
      lifecycle.verified(Date.now() + 7_200_000, Date.now());
      return true;
    });
    ({ lifecycle } = make({ renew, renewBefore: 10 }));
    lifecycle.submit();
    lifecycle.verified(Date.now() + 20_000, Date.now());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(renew).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200_000);
    expect(renew).toHaveBeenCalledTimes(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(2_500);
    expect(gaps[3]).toBeGreaterThan(gaps[0]!);
    expect(lifecycle.state.status).toBe('verified');
  });

  it('renews after waking up past expiry', async () => {
    const renew = vi.fn(async () => false);
    const { lifecycle } = make({ renew });
    lifecycle.submit();
    lifecycle.verified(Date.now() + 3_600_000, Date.now());
    vi.setSystemTime(Date.now() + 5 * 3_600_000);
    lifecycle.check();
    expect(lifecycle.state.status).toBe('expired');
    expect(renew).toHaveBeenCalledTimes(1);
  });
});

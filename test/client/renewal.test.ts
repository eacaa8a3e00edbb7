import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClock, type TokenClock, type ClockStatus } from '../../src/client/session/lifecycle.js';
import { renewWith } from '../../src/client/session/renewal.js';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Tokens that live `lifetime` ms, renewed through `renew` (the messenger's getToken path). */
function shortTokens(lifetime: number, renewBefore = 300) {
  const statuses: ClockStatus[] = [];
  let calls = 0;
  const issue = (): void => lifecycle.start(Date.now() + lifetime, Date.now());
  const lifecycle: TokenClock = createClock({
    renewBefore,
    onChange: (status) => statuses.push(status),
  });
  renewWith(lifecycle, async () => {
    calls++;
    issue();
    return true;
  });
  issue();
  return { lifecycle, statuses, calls: () => calls };
}

describe('renewal of tokens that live no longer than renewBefore', () => {
  it('2-minute tokens with renewBefore 300 s: renewed again and again over 10 minutes, never expired', async () => {
    const { statuses, calls, lifecycle } = shortTokens(120_000);
    // Not at once on the first verification: halfway through its life.
    expect(calls()).toBe(0);
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(60_000);
    expect(calls()).toBeGreaterThanOrEqual(9);
    expect(calls()).toBeLessThanOrEqual(11);
    expect(statuses).not.toContain('expired');
    // Each token is `verified`, then `expiring` once, halfway through its life (identity_expiring for every token).
    expect(statuses.filter((s) => s === 'expiring')).toHaveLength(calls());
    expect(lifecycle.status).toBe('verified');
    lifecycle.dispose();
  });

  it('5-minute tokens (equal to renewBefore) keep renewing too', async () => {
    const { statuses, calls, lifecycle } = shortTokens(300_000);
    for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(60_000);
    expect(calls()).toBeGreaterThanOrEqual(7);
    expect(statuses).not.toContain('expired');
    lifecycle.dispose();
  });

  it('never loops: a token about to lapse is renewed at most every 5 s', async () => {
    const { calls, lifecycle } = shortTokens(2_000);
    await vi.advanceTimersByTimeAsync(60_000);
    // About every 5 s over the minute: still renewing, never faster.
    expect(calls()).toBeLessThanOrEqual(12);
    expect(calls()).toBeGreaterThanOrEqual(11);
    lifecycle.dispose();
  });

  it('renews on reaching expired from expiring when no renewal is waiting', async () => {
    let calls = 0;
    const lifecycle = createClock({ renewBefore: 300, onChange: () => {} });
    renewWith(lifecycle, async () => {
      calls++;
      return true; // "on its way" but the token is not replaced yet
    });
    lifecycle.start(Date.now() + 3_600_000, Date.now());
    await vi.advanceTimersByTimeAsync(3_300_000);
    expect(lifecycle.status).toBe('expiring');
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(lifecycle.status).toBe('expired');
    expect(calls).toBe(2);
    lifecycle.dispose();
  });
});

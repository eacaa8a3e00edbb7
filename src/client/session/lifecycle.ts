import { backoff, runAt } from '../support/timers.js';

/**
 * The statuses SPEC §5's identity lifecycle names, kept as public types (`chatq` exports them).
 * Who the visitor is and whether the server holds a session is the session machine's
 * (session/machine.ts); this file is what is left: the token's clock.
 */
export type IdentityStatus = 'anonymous' | 'pending' | 'verified' | 'expiring' | 'expired' | 'rejected';

export interface LifecycleState {
  status: IdentityStatus;
  /** When the session lapses, server clock. Absent: it does not expire (unsigned identities). */
  expiresAt?: number;
  /** For `rejected`: the server's error code. */
  code?: string;
}

/** Where the token is on its clock: none running, live, inside `renewBefore`, lapsed. */
export type ClockStatus = 'idle' | 'verified' | 'expiring' | 'expired';

export interface ClockOptions {
  /** Seconds before expiry to enter `expiring`. */
  renewBefore: number;
  /** Entered `expiring` (once per token) or `expired` (by the clock, or told by the server). */
  onChange(status: 'expiring' | 'expired', expiresAt: number | undefined): void;
  /**
   * Called on entering `expiring` (or `expired` straight away, after a sleep), at most every 5 s.
   * Resolves `true` once a fresh identity is on its way; a rejection or `false` is retried with
   * backoff for as long as the token is not replaced.
   */
  renew?: () => Promise<boolean>;
}

/** First retry after 5 s, doubling, at most every 2 minutes. */
const RETRY_BASE = 5_000;
const RETRY_CAP = 120_000;

/** The token clock, as the session machine and the messenger use it. */
export interface TokenClock {
  readonly status: ClockStatus;
  /** When the token lapses, server clock; undefined: it never does (unsigned identities). */
  readonly expiresAt: number | undefined;
  /** `renewBefore` changed: re-reads the clock. */
  renewBefore: number;
  /** `ClockOptions.renew`; set later by the ESM entry (index.ts: `getToken`), before any token is verified. */
  renew: (() => Promise<boolean>) | undefined;
  /** The server's clock, corrected for the skew measured at the last answer. */
  serverNow(): number;
  /** Records the server's clock (`serverTime`: when it answered). */
  syncClock(serverTime: number): void;
  /** A token was verified; `expiresAt` undefined: it never lapses. */
  start(expiresAt: number | undefined, serverTime: number): void;
  /** The server said the session lapsed (401 ERR_SESSION_EXPIRED, or the stream's event). */
  expire(): void;
  /** Logout or user switch: no token any more. */
  stop(): void;
  /** Re-reads the clock: call on wake-ups (visibilitychange, focus, online). */
  check(): void;
  dispose(): void;
}

/**
 * The token clock (SPEC §5 "Identity lifecycle"): server time (the skew measured at each
 * answer), when the token enters `expiring` and `expired`, and its renewal with backoff.
 * Timers survive long lifetimes (runAt chunks them) and `check()` re-reads the clock on
 * wake-ups. No DOM, no session: the machine starts it with each verified token.
 */
export function createClock(options: ClockOptions): TokenClock {
  let status: ClockStatus = 'idle';
  let expiresAt: number | undefined;
  /** serverTime − local time, measured at each answer. */
  let skew = 0;
  let cancelTimer: (() => void) | undefined;
  let cancelRetry: (() => void) | undefined;
  let renewing = false;
  let attempt = 0;
  /** When the current token was verified, server clock: a short token is renewed halfway from here. */
  let since = 0;
  /** When the last renewal started (local clock). */
  let renewedAt = -Infinity;

  /**
   * When to enter `expiring` (server clock): `renewBefore` ahead of expiry; for a token that
   * lives no longer than that, halfway through what it had left when verified (at least 5 s
   * on). So every token is `verified`, then `expiring` once (SPEC §13: `identity_expiring`
   * fires for every token), and a host that renews on that event never renews in a loop.
   */
  const renewAt = (end: number): number => {
    const at = end - options.renewBefore * 1000;
    return at > since ? at : since + Math.max(RETRY_BASE, (end - since) / 2);
  };

  function move(next: 'verified' | 'expiring' | 'expired'): void {
    status = next;
    clock.check();
    if (next === 'verified') return;
    options.onChange(next, expiresAt);
    // Expired with no retry waiting (a renewal that did not help): renew now.
    if (next === 'expiring' || !cancelRetry) void renew();
  }

  async function renew(): Promise<void> {
    if (!clock.renew || renewing) return;
    // At most every 5 s: a token that lapses at once cannot make it loop.
    const wait = renewedAt + RETRY_BASE - Date.now();
    if (wait > 0) return retry(wait);
    renewing = true;
    renewedAt = Date.now();
    stopRetry();
    let ok = false;
    try {
      ok = await clock.renew();
    } catch {
      ok = false;
    }
    renewing = false;
    if (!ok && (status === 'expiring' || status === 'expired')) retry(backoff(attempt++, RETRY_BASE, RETRY_CAP));
  }

  function retry(delay: number): void {
    stopRetry();
    cancelRetry = runAt(Date.now() + delay, () => void renew());
  }

  function stopRetry(): void {
    cancelRetry?.();
    cancelRetry = undefined;
  }

  const clock: TokenClock = {
    get status() {
      return status;
    },
    get expiresAt() {
      return expiresAt;
    },
    get renewBefore() {
      return options.renewBefore;
    },
    set renewBefore(seconds) {
      options.renewBefore = seconds;
      clock.check();
    },
    renew: options.renew,
    serverNow: () => Date.now() + skew,
    syncClock(serverTime) {
      skew = serverTime - Date.now();
    },
    start(end, serverTime) {
      clock.syncClock(serverTime);
      attempt = 0;
      stopRetry();
      since = serverTime;
      expiresAt = end;
      status = 'verified';
      clock.check();
    },
    expire() {
      if (status === 'verified' || status === 'expiring') move('expired');
    },
    stop() {
      clock.dispose();
      attempt = 0;
      status = 'idle';
    },
    check() {
      if ((status !== 'verified' && status !== 'expiring') || expiresAt === undefined) return;
      const now = clock.serverNow();
      const at = renewAt(expiresAt);
      const next = now >= expiresAt ? 'expired' : now >= at ? 'expiring' : 'verified';
      if (next !== status) return move(next);
      cancelTimer?.();
      // One timer, to the next boundary (expiring, then expiry), chunked past 24.8 days.
      cancelTimer = runAt((status === 'verified' ? Math.min(at, expiresAt) : expiresAt) - skew, clock.check);
    },
    dispose() {
      cancelTimer?.();
      stopRetry();
      cancelTimer = undefined;
    },
  };
  return clock;
}

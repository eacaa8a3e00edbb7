import { runAt } from '../support/timers.js';

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
}

/** The token clock, as the session machine and the messenger use it. */
export interface TokenClock {
  readonly status: ClockStatus;
  /** When the token lapses, server clock; undefined: it never does (unsigned identities). */
  readonly expiresAt: number | undefined;
  /** `renewBefore` changed: re-reads the clock. */
  renewBefore: number;
  /**
   * The renewal's hook (session/renewal.ts, installed by the ESM entry for `getToken`): told on
   * entering `expiring` or `expired`, and with no status when a token starts or the clock stops.
   */
  renewal?: ((status?: 'expiring' | 'expired') => void) | undefined;
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
 * answer) and when the token enters `expiring` and `expired`; its renewal with backoff is
 * session/renewal.ts, hooked in by the ESM entry (`getToken`), outside loader.js. Timers survive long lifetimes (runAt chunks them) and `check()` re-reads the clock on
 * wake-ups. No DOM, no session: the machine starts it with each verified token.
 */
export function createClock(options: ClockOptions): TokenClock {
  let status: ClockStatus = 'idle';
  let expiresAt: number | undefined;
  /** serverTime − local time, measured at each answer. */
  let skew = 0;
  let cancelTimer: (() => void) | undefined;
  /** When the current token was verified, server clock: a short token is renewed halfway from here. */
  let since = 0;

  /**
   * When to enter `expiring` (server clock): `renewBefore` ahead of expiry; for a token that
   * lives no longer than that, halfway through what it had left when verified (at least 5 s
   * on). So every token is `verified`, then `expiring` once (SPEC §13: `identity_expiring`
   * fires for every token), and a host that renews on that event never renews in a loop.
   */
  const renewAt = (end: number): number => {
    const at = end - options.renewBefore * 1000;
    return at > since ? at : since + Math.max(5_000, (end - since) / 2);
  };

  function move(next: 'verified' | 'expiring' | 'expired'): void {
    status = next;
    clock.check();
    if (next === 'verified') return;
    options.onChange(next, expiresAt);
    clock.renewal?.(next);
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
    serverNow: () => Date.now() + skew,
    syncClock(serverTime) {
      skew = serverTime - Date.now();
    },
    start(end, serverTime) {
      clock.syncClock(serverTime);
      clock.renewal?.();
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
      cancelTimer = undefined;
      clock.renewal?.();
    },
  };
  return clock;
}

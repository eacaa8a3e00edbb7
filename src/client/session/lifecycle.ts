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

/**
 * The token clock (SPEC §5 "Identity lifecycle"): server time (the skew measured at each
 * answer), when the token enters `expiring` and `expired`, and its renewal with backoff.
 * Timers survive long lifetimes (runAt chunks them) and `check()` re-reads the clock on
 * wake-ups. No DOM, no session: the machine starts it with each verified token.
 */
export class TokenClock {
  status: ClockStatus = 'idle';
  declare expiresAt: number | undefined;
  /** serverTime − local time, measured at each answer. */
  #skew = 0;
  #cancelTimer: (() => void) | undefined;
  #cancelRetry: (() => void) | undefined;
  #renewing = false;
  #attempt = 0;
  /** When the current token was verified, server clock: a short token is renewed halfway from here. */
  #since = 0;
  /** When the last renewal started (local clock). */
  #renewedAt = -Infinity;

  readonly #options: ClockOptions;

  constructor(options: ClockOptions) {
    this.#options = options;
  }

  /** The server's clock, corrected for the skew measured at the last answer. */
  serverNow(): number {
    return Date.now() + this.#skew;
  }

  /** Records the server's clock (`serverTime`: when it answered). */
  syncClock(serverTime: number): void {
    this.#skew = serverTime - Date.now();
  }

  setRenewBefore(seconds: number): void {
    this.#options.renewBefore = seconds;
    this.check();
  }

  /** A token was verified; `expiresAt` undefined: it never lapses (unsigned identities). */
  start(expiresAt: number | undefined, serverTime: number): void {
    this.syncClock(serverTime);
    this.#attempt = 0;
    this.#stopRetry();
    this.#since = serverTime;
    this.expiresAt = expiresAt;
    this.status = 'verified';
    this.check();
  }

  /** The server said the session lapsed (401 ERR_SESSION_EXPIRED, or the stream's event). */
  expire(): void {
    if (this.status === 'verified' || this.status === 'expiring') this.#move('expired');
  }

  /** Logout or user switch: no token any more. */
  stop(): void {
    this.dispose();
    this.#attempt = 0;
    this.status = 'idle';
  }

  /** Re-reads the clock: call on wake-ups (visibilitychange, focus, online). */
  check(): void {
    const { status, expiresAt } = this;
    if ((status !== 'verified' && status !== 'expiring') || expiresAt === undefined) return;
    const now = this.serverNow();
    const renewAt = this.#renewAt(expiresAt);
    const next = now >= expiresAt ? 'expired' : now >= renewAt ? 'expiring' : 'verified';
    if (next !== status) return this.#move(next);
    this.#cancelTimer?.();
    // One timer, to the next boundary (expiring, then expiry), chunked past 24.8 days.
    this.#cancelTimer = runAt((status === 'verified' ? Math.min(renewAt, expiresAt) : expiresAt) - this.#skew, () => this.check());
  }

  dispose(): void {
    this.#cancelTimer?.();
    this.#stopRetry();
    this.#cancelTimer = undefined;
  }

  /**
   * When to enter `expiring` (server clock): `renewBefore` ahead of expiry; for a token that
   * lives no longer than that, halfway through what it had left when verified (at least 5 s
   * on). So every token is `verified`, then `expiring` once (SPEC §13: `identity_expiring`
   * fires for every token), and a host that renews on that event never renews in a loop.
   */
  #renewAt(expiresAt: number): number {
    const at = expiresAt - this.#options.renewBefore * 1000;
    return at > this.#since ? at : this.#since + Math.max(RETRY_BASE, (expiresAt - this.#since) / 2);
  }

  #move(status: 'verified' | 'expiring' | 'expired'): void {
    this.status = status;
    this.check();
    if (status === 'verified') return;
    this.#options.onChange(status, this.expiresAt);
    // Expired with no retry waiting (a renewal that did not help): renew now.
    if (status === 'expiring' || !this.#cancelRetry) void this.#renew();
  }

  async #renew(): Promise<void> {
    const { renew } = this.#options;
    if (!renew || this.#renewing) return;
    // At most every 5 s: a token that lapses at once cannot make it loop.
    const wait = this.#renewedAt + RETRY_BASE - Date.now();
    if (wait > 0) return this.#retry(wait);
    this.#renewing = true;
    this.#renewedAt = Date.now();
    this.#stopRetry();
    let ok = false;
    try {
      ok = await renew();
    } catch {
      ok = false;
    }
    this.#renewing = false;
    const { status } = this;
    if (!ok && (status === 'expiring' || status === 'expired')) this.#retry(backoff(this.#attempt++, RETRY_BASE, RETRY_CAP));
  }

  #retry(delay: number): void {
    this.#stopRetry();
    this.#cancelRetry = runAt(Date.now() + delay, () => void this.#renew());
  }

  #stopRetry(): void {
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
  }
}

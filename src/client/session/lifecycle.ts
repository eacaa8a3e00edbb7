import { backoff, runAt } from '../support/timers.js';

/**
 * The identity lifecycle, SPEC §5, as an explicit state machine:
 *
 *   anonymous → pending → verified → expiring → expired
 *                  ↘ rejected
 *
 * `pending` only exists while there is no live session: renewing a verified
 * identity keeps its state (and its expiry clock) until the new token is
 * verified, so the conversation is never interrupted. No DOM here: the
 * messenger feeds it server answers and wake-ups and reacts to `onChange`.
 * All times are milliseconds; `expiresAt` is on the server's clock.
 */
export type IdentityStatus = 'anonymous' | 'pending' | 'verified' | 'expiring' | 'expired' | 'rejected';

export interface LifecycleState {
  status: IdentityStatus;
  /** When the session lapses, server clock. Absent: it does not expire (unsigned identities). */
  expiresAt?: number;
  /** For `rejected`: the server's error code. */
  code?: string;
}

export interface LifecycleOptions {
  /** Seconds before expiry to enter `expiring`. */
  renewBefore: number;
  onChange(next: LifecycleState, previous: LifecycleState): void;
  /**
   * Called on entering `expiring` (or `expired` straight away, after a sleep),
   * at most every 5 s.
   * Resolves `true` once a fresh identity is on its way; a rejection or
   * `false` is retried with backoff for as long as the token is not replaced.
   */
  renew?: () => Promise<boolean>;
}

/** First retry after 5 s, doubling, at most every 2 minutes. */
const RETRY_BASE = 5_000;
const RETRY_CAP = 120_000;

export class IdentityLifecycle {
  #current: LifecycleState = { status: 'anonymous' };
  /** serverTime − local time, measured at each registration. */
  #skew = 0;
  #cancelTimer: (() => void) | undefined;
  #cancelRetry: (() => void) | undefined;
  #renewing = false;
  #attempt = 0;
  /** When the current token was verified, server clock: a short token is renewed halfway from here. */
  #since = 0;
  /** When the last renewal started (local clock). */
  #renewedAt = -Infinity;

  readonly #options: LifecycleOptions;

  constructor(options: LifecycleOptions) {
    this.#options = options;
  }

  get state(): LifecycleState {
    return this.#current;
  }

  /** The server's clock, corrected for the skew measured at the last registration. */
  serverNow(): number {
    return Date.now() + this.#skew;
  }

  setRenewBefore(seconds: number): void {
    this.#options.renewBefore = seconds;
    this.check();
  }

  /** An identity was given and sent to the server. */
  submit(): void {
    const { status } = this.#current;
    if (status === 'anonymous' || status === 'rejected' || status === 'pending') this.#move({ status: 'pending' });
  }

  /** Records the server's clock (an anonymous registration) without changing state. */
  syncClock(serverTime: number): void {
    this.#skew = serverTime - Date.now();
  }

  /** The server accepted it. `serverTime` is the server's clock when it answered. */
  verified(expiresAt: number | undefined, serverTime: number): void {
    this.syncClock(serverTime);
    this.#attempt = 0;
    this.#stopRetry();
    this.#since = serverTime;
    const previous = this.#current;
    this.#current = { status: 'verified', ...(expiresAt !== undefined && { expiresAt }) };
    this.#current.status = this.#statusByClock();
    this.#changed(previous);
  }

  /** The server refused it. A live session (a failed renewal) keeps its state and clock. */
  rejected(code: string): void {
    if (this.#current.status === 'pending') this.#move({ status: 'rejected', code });
  }

  /** The server said the session lapsed (401 ERR_SESSION_EXPIRED, or the stream's event). */
  sessionExpired(): void {
    const { status } = this.#current;
    if (status === 'verified' || status === 'expiring') this.#move({ ...this.#current, status: 'expired' });
  }

  /** Logout or user switch. */
  reset(): void {
    this.#stopRetry();
    this.#attempt = 0;
    if (this.#current.status !== 'anonymous') this.#move({ status: 'anonymous' });
  }

  /** Re-reads the clock: call on wake-ups (visibilitychange, focus, online). */
  check(): void {
    const status = this.#statusByClock();
    if (status !== this.#current.status) this.#move({ ...this.#current, status });
    else this.#schedule();
  }

  dispose(): void {
    this.#cancelTimer?.();
    this.#stopRetry();
    this.#cancelTimer = undefined;
  }

  #statusByClock(): IdentityStatus {
    const { status, expiresAt } = this.#current;
    if ((status !== 'verified' && status !== 'expiring') || expiresAt === undefined) return status;
    const now = this.serverNow();
    if (now >= expiresAt) return 'expired';
    return now >= this.#renewAt(expiresAt) ? 'expiring' : 'verified';
  }

  /**
   * When to enter `expiring` (server clock): `renewBefore` ahead of expiry; for
   * a token that lives no longer than that, halfway through what it had left
   * when verified (at least 5 s on). So every token is `verified`, then
   * `expiring` once (SPEC §13: `identity_expiring` fires for every token), and
   * a host that renews on that event never renews in a loop.
   */
  #renewAt(expiresAt: number): number {
    const at = expiresAt - this.#options.renewBefore * 1000;
    return at > this.#since ? at : this.#since + Math.max(RETRY_BASE, (expiresAt - this.#since) / 2);
  }

  #move(next: LifecycleState): void {
    const previous = this.#current;
    this.#current = next;
    this.#changed(previous);
  }

  #changed(previous: LifecycleState): void {
    this.#schedule();
    const { status } = this.#current;
    if (status !== 'expiring' && status !== 'expired') this.#stopRetry();
    this.#options.onChange(this.#current, previous);
    // Expired with no retry waiting (a renewal that did not help): renew now.
    if (status !== previous.status && (status === 'expiring' || (status === 'expired' && !this.#cancelRetry))) void this.#renew();
  }

  /** One timer, to the next boundary (expiring, then expiry), chunked past 24.8 days. */
  #schedule(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const { status, expiresAt } = this.#current;
    if (expiresAt === undefined || (status !== 'verified' && status !== 'expiring')) return;
    const boundary = status === 'verified' ? Math.min(this.#renewAt(expiresAt), expiresAt) : expiresAt;
    this.#cancelTimer = runAt(boundary - this.#skew, () => this.check());
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
    const { status } = this.#current;
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

import { backoff, runAt } from '../support/timers.js';
import type { TokenClock } from './lifecycle.js';

/** First retry after 5 s, doubling, at most every 2 minutes. */
const RETRY_BASE = 5_000;
const RETRY_CAP = 120_000;

/**
 * Renews the token on `clock` through `renew` (SPEC §5 "Identity lifecycle": the ESM caller's
 * `getToken`, installed by index.ts; the script tag has none, so loader.js carries none of this).
 * `renew` is called on entering `expiring` (or `expired` straight away, after a sleep), at most
 * every 5 s; it resolves `true` once a fresh identity is on its way; a rejection or `false` is
 * retried with backoff for as long as the token is not replaced.
 */
export function renewWith(clock: TokenClock, renew: () => Promise<boolean>): void {
  let cancelRetry: (() => void) | undefined;
  let renewing = false;
  let attempt = 0;
  /** When the last renewal started (local clock). */
  let renewedAt = -Infinity;

  async function run(): Promise<void> {
    if (renewing) return;
    // At most every 5 s: a token that lapses at once cannot make it loop.
    const wait = renewedAt + RETRY_BASE - Date.now();
    if (wait > 0) return retry(wait);
    renewing = true;
    renewedAt = Date.now();
    stopRetry();
    let ok = false;
    try {
      ok = await renew();
    } catch {
      ok = false;
    }
    renewing = false;
    if (!ok && (clock.status === 'expiring' || clock.status === 'expired')) retry(backoff(attempt++, RETRY_BASE, RETRY_CAP));
  }

  function retry(delay: number): void {
    stopRetry();
    cancelRetry = runAt(Date.now() + delay, () => void run());
  }

  function stopRetry(): void {
    cancelRetry?.();
    cancelRetry = undefined;
  }

  clock.renewal = (status) => {
    if (!status) {
      // A new token, or none any more: no retry waits, and the backoff starts over.
      attempt = 0;
      stopRetry();
    }
    // Expired with no retry waiting (a renewal that did not help): renew now.
    else if (status === 'expiring' || !cancelRetry) void run();
  };
}

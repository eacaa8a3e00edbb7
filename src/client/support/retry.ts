import { backoff } from './timers.js';

/** A retry that waits longer each time it is asked for: 1 s doubling to 30 s, with jitter (a page's outages share one count). */
export interface Retry {
  /** Runs the retry after the next wait, or `seconds` if longer (a 429's Retry-After); one already waiting is replaced. */
  later(seconds?: number): void;
  stop(): void;
}

/**
 * Retries `fn` with backoff (SPEC §10 "Outages"): a chat server that was unreachable when the
 * page loaded is asked again on its own, with no page event needed (wake-ups still ask at once).
 */
export function createRetry(fn: () => void): Retry {
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => clearTimeout(timer);
  return {
    later(seconds = 0) {
      stop();
      timer = setTimeout(fn, Math.max(seconds * 1000, backoff(attempt++)));
    },
    stop,
  };
}
